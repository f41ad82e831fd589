// Command dynamodel keeps DynamoDB tables in create-table JSON files, the
// format `aws dynamodb create-table --cli-input-json` takes.
//
//	dynamodel apply  [flags] DIR|FILE...   create missing tables, report differences
//	dynamodel diff   [flags] DIR|FILE...   report what apply would do; exit 1 if anything
//	dynamodel dump   [flags] TABLE...      write live tables as create-table JSON
//	dynamodel delete [flags] DIR|FILE...   delete the files' tables (needs -yes)
//
// Flags (before or after the command's arguments):
//
//	-endpoint URL   DynamoDB endpoint (default $DYNAMODB_ENDPOINT, else AWS)
//	-region NAME    AWS region (default from the AWS configuration)
//	-profile NAME   AWS shared configuration profile
//	-prefix P       table name prefix, e.g. dev- (dev-User)
//	-suffix S       table name suffix
//	-add-indexes    apply: add missing global secondary indexes
//	-no-wait        apply, delete: do not wait for ACTIVE or gone
//	-o DIR          dump: write DIR/TABLE.json instead of standard output
//	-yes            delete: really delete
//	-timeout D      give up after D (default 10m)
//
// Install it with:
//
//	go install github.com/dynamodel/dynamodel/cmd/dynamodel@latest
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/awsenv"
	"github.com/dynamodel/dynamodel/schema"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: dynamodel COMMAND [flags] ARGS...

commands:
  apply  DIR|FILE...   create missing tables and wait until ACTIVE; report how existing ones differ
  diff   DIR|FILE...   report what apply would do, changing nothing (exit 1 when it would change something)
  dump   TABLE...      write live tables as create-table JSON (to -o DIR, or standard output)
  delete DIR|FILE...   delete the tables the files define (with -yes)

flags:
`

type options struct {
	endpoint, region, profile string
	prefix, suffix            string
	addIndexes, noWait, yes   bool
	out                       string
	timeout                   time.Duration
}

// run is the command; it returns the exit status: 0 done, 1 differences or
// failures, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		flags(new(options), stderr).PrintDefaults()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := args[0]
	var o options
	fs := flags(&o, stderr)
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	fail := func(err error) int {
		fmt.Fprintf(stderr, "dynamodel %s: %v\n", cmd, err)
		return 1
	}
	switch cmd {
	case "apply", "diff", "delete":
		if len(rest) == 0 {
			fmt.Fprintf(stderr, "dynamodel %s: name a directory or files of create-table JSON\n", cmd)
			return 2
		}
	case "dump":
		if len(rest) == 0 {
			fmt.Fprintln(stderr, "dynamodel dump: name the tables to dump")
			return 2
		}
	default:
		fmt.Fprintf(stderr, "dynamodel: unknown command %q\n\n%s", cmd, usage)
		return 2
	}

	var schemas []*schema.Table
	if cmd != "dump" {
		// Every file is checked before anything is sent: one bad file
		// stops the whole run, and nothing is created.
		if schemas, err = load(rest); err != nil {
			return fail(err)
		}
	}
	if o.profile != "" {
		os.Setenv("AWS_PROFILE", o.profile)
	}
	var loadOpts []func(*config.LoadOptions) error
	if o.region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.region))
	}
	client, err := awsenv.Client(ctx, o.endpoint, loadOpts...)
	if err != nil {
		return fail(err)
	}
	applyOpts := func(a *schema.Options) {
		a.TablePrefix, a.TableSuffix = o.prefix, o.suffix
		a.AddIndexes, a.NoWait = o.addIndexes, o.noWait
	}

	switch cmd {
	case "apply", "diff":
		fn := schema.Apply
		if cmd == "diff" {
			fn = schema.Diff
		}
		changes, err := fn(ctx, client, schemas, applyOpts)
		pending := false
		for _, c := range changes {
			fmt.Fprintln(stdout, describeChange(cmd, c))
			pending = pending || c.Action != schema.ActionUnchanged
		}
		if err != nil && !errors.Is(err, schema.ErrMismatch) {
			return fail(err)
		}
		if err != nil || (cmd == "diff" && pending) {
			return 1
		}
		return 0

	case "dump":
		for _, table := range rest {
			s, err := schema.Describe(ctx, client, table, applyOpts)
			if err != nil {
				return fail(err)
			}
			out, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				return fail(err)
			}
			out = append(out, '\n')
			if o.out == "" {
				_, _ = stdout.Write(out)
				continue
			}
			file := filepath.Join(o.out, table+".json")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				return fail(err)
			}
			fmt.Fprintf(stdout, "%s: written to %s\n", table, file)
		}
		return 0

	default: // delete
		if !o.yes {
			for _, s := range schemas {
				fmt.Fprintf(stdout, "%s%s%s: would be deleted (add -yes to delete)\n", o.prefix, s.Name(), o.suffix)
			}
			return 1
		}
		deleted, err := schema.Delete(ctx, client, schemas, applyOpts)
		for _, name := range deleted {
			fmt.Fprintf(stdout, "%s: deleted\n", name)
		}
		if err != nil {
			return fail(err)
		}
		if len(deleted) == 0 {
			fmt.Fprintln(stdout, "no table to delete")
		}
		return 0
	}
}

func flags(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dynamodel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.endpoint, "endpoint", os.Getenv(dynamodel.EndpointEnv), "DynamoDB endpoint URL (default $DYNAMODB_ENDPOINT, else AWS)")
	fs.StringVar(&o.region, "region", "", "AWS region (default from the AWS configuration)")
	fs.StringVar(&o.profile, "profile", "", "AWS shared configuration profile")
	fs.StringVar(&o.prefix, "prefix", "", "table name prefix, e.g. dev-")
	fs.StringVar(&o.suffix, "suffix", "", "table name suffix")
	fs.BoolVar(&o.addIndexes, "add-indexes", false, "apply: add missing global secondary indexes through UpdateTable")
	fs.BoolVar(&o.noWait, "no-wait", false, "apply, delete: do not wait until tables are ACTIVE or gone")
	fs.StringVar(&o.out, "o", "", "dump: write DIR/TABLE.json files into this directory")
	fs.BoolVar(&o.yes, "yes", false, "delete: really delete the tables")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	return fs
}

// parseInterspersed parses flags wherever they stand among the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// load reads schema files and directories, in the order given.
func load(paths []string) ([]*schema.Table, error) {
	var out []*schema.Table
	for _, p := range paths {
		p = strings.TrimPrefix(p, "file://")
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			s, err := schema.LoadDir(p)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
			continue
		}
		s, err := schema.Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	seen := map[string]string{}
	for _, s := range out {
		if prev, dup := seen[s.Name()]; dup {
			return nil, fmt.Errorf("table %s is defined in both %s and %s", s.Name(), prev, s.Source)
		}
		seen[s.Name()] = s.Source
	}
	return out, nil
}

func describeChange(cmd string, c schema.Change) string {
	var b strings.Builder
	b.WriteString(c.Table)
	b.WriteString(": ")
	switch {
	case c.Action == schema.ActionCreate && cmd == "diff":
		b.WriteString("would be created")
	case c.Action == schema.ActionCreate:
		b.WriteString("created")
	case c.Action == schema.ActionUnchanged:
		b.WriteString("unchanged")
	case c.Action == schema.ActionUpdate && cmd == "diff":
		b.WriteString("would get its missing indexes")
	case c.Action == schema.ActionUpdate:
		b.WriteString("added index " + strings.Join(c.Added, ", "))
	default:
		b.WriteString("differs from its file")
	}
	for _, d := range c.Differences {
		b.WriteString("\n  ")
		b.WriteString(d.String())
	}
	return b.String()
}
