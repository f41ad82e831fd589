// Command dynamodel keeps DynamoDB tables in create-table JSON files, the
// format `aws dynamodb create-table --cli-input-json` takes, or in
// CloudFormation and SAM templates (JSON or YAML).
//
//	dynamodel apply  [flags] DIR|FILE...   create missing tables, change the settings of existing ones
//	dynamodel diff   [flags] DIR|FILE...   report what apply would do; exit 1 if anything
//	dynamodel dump   [flags] TABLE...      write live tables as create-table JSON
//	dynamodel delete [flags] DIR|FILE...   delete the files' tables (needs -yes)
//	dynamodel cloudformation [flags] DIR|FILE...   print a CloudFormation template making the tables
//	dynamodel export [flags] TABLE         write every item as a line of DynamoDB JSON
//	dynamodel import [flags] TABLE FILE... write the items of such files to TABLE
//	dynamodel backfill status [flags] RUN  show where a backfill run stands
//
// Flags (before or after the command's arguments; a flag given to a
// command it does not name is an error):
//
//	-endpoint URL   DynamoDB endpoint (default $DYNAMODB_ENDPOINT, else AWS)
//	-region NAME    AWS region (default from the AWS configuration)
//	-profile NAME   AWS shared configuration profile
//	-prefix P       table name prefix, e.g. dev- (dev-User)
//	-suffix S       table name suffix
//	-add-indexes    apply, diff: add missing global secondary indexes
//	-delete-indexes apply, diff: delete global secondary indexes the files lack
//	-ttl TABLE=ATTR apply, diff, cloudformation: TABLE's time-to-live attribute (repeatable; ATTR empty: off)
//	-pitr           apply, diff, cloudformation: point-in-time recovery on for every table
//	-no-wait        apply, delete: do not wait for ACTIVE or gone (a new table then
//	                gets no time to live or point-in-time recovery)
//	-o DIR          dump: write DIR/TABLE.json instead of standard output (DIR is made if missing)
//	-o FILE         export: write FILE (gzip for .gz) instead of standard output, with checkpoints
//	-format F       cloudformation: yaml (the default) or json
//	-resume         export: continue the interrupted export of -o FILE
//	-segments N     export: scan in N parallel segments (default 4)
//	-consistent     export: strongly consistent reads
//	-if-absent      import: write only items whose key is free; report the others
//	-control TABLE  backfill status: the control table (default dynamodel-backfill)
//	-yes            delete: really delete
//	-timeout D      give up after D (default 10m; export and import: no limit)
//	-max-file-size N  apply, diff, delete, cloudformation: refuse table files over N bytes
//	                (default 1MiB; suffixes KiB, MiB, GiB)
//
// An argument "--" ends the flags: what follows is a file or table name
// even if it starts with "-" (so "delete -- DIR -yes" deletes nothing).
//
// The exit status is 0 when the command did what it was asked; 1 for a
// failure, changes to make (diff) or that apply could not make, a line
// import failed to write (an item -if-absent finds there is no failure), or
// delete without -yes; 2 for a command line it cannot run (a flag the
// command does not take, a table name DynamoDB refuses).
//
// A local endpoint (see dynamodel.WithEndpoint) needs no AWS credentials or
// region. While dynamodel is unpublished, run or install the command from
// a clone:
//
//	go run ./cmd/dynamodel apply testdata/create-user.json -endpoint http://localhost:8000
//	go install ./cmd/dynamodel
//
// Once it is published: go install github.com/dynamodel/dynamodel/cmd/dynamodel@latest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/awsenv"
	"github.com/dynamodel/dynamodel/schema"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: dynamodel COMMAND [flags] ARGS...

commands:
  apply  DIR|FILE...   create missing tables, change every differing setting of existing ones, one change per call;
                       report what the engine did not apply
  diff   DIR|FILE...   report what apply would do, changing nothing (exit 1 when it would change something)
  dump   TABLE...      write live tables as create-table JSON (to -o DIR, or standard output)
  delete DIR|FILE...   delete the tables the files define (with -yes)
  cloudformation DIR|FILE...
                       print a CloudFormation template with an AWS::DynamoDB::Table per table (-format yaml|json)
  export TABLE         write every item as a line of DynamoDB JSON (to -o FILE, or standard output)
  import TABLE FILE... write the items of such files (plain or gzip) to TABLE
  backfill status RUN  show where a backfill run stands, per segment and in total

exit status: 0 done; 1 a failure, changes to make (diff) or not made (apply),
a line import failed to write, or delete without -yes; 2 a command line it cannot run

flags (before or after the arguments; "--" ends them; each only for the commands it names):
`

// A command is one subcommand: what it takes and what it does.
type command struct {
	files   bool   // its arguments are table files and directories, else table names
	offline bool   // it needs no client
	args    string // what to say when it has no arguments
	untimed bool   // -timeout applies only when given
	run     func(ctx context.Context, inv *invocation) int
}

const filesArgs = "name a directory or files of create-table JSON, or CloudFormation templates"

var commands = map[string]command{
	"apply":  {files: true, args: filesArgs, run: runApply},
	"diff":   {files: true, args: filesArgs, run: runDiff},
	"dump":   {args: "name the tables to dump", run: runDump},
	"delete": {files: true, args: filesArgs, run: runDelete},

	"cloudformation": {files: true, offline: true, args: filesArgs, run: runCloudFormation},

	"export":   {args: "name the table to export", untimed: true, run: runExport},
	"import":   {args: "name the table and the files to import", untimed: true, run: runImport},
	"backfill": {args: "say what to do: backfill status RUN", run: runBackfill},
}

type options struct {
	endpoint, region, profile string
	prefix, suffix            string
	addIndexes, deleteIndexes bool
	ttl                       ttlFlag
	pitr                      bool
	noWait, yes               bool
	out, format               string
	timeout                   time.Duration
	maxFileSize               byteSize
	bulk                      bulkOptions
}

// An invocation is what a subcommand runs with.
type invocation struct {
	name   string          // the subcommand
	line   []string        // the command line, from the subcommand on
	opts   options         // its flags
	args   []string        // its arguments
	tables []*schema.Table // for commands that take files: the tables they define
	client schema.API
	stdout io.Writer
	stderr io.Writer
}

// fail reports err and returns exit status 1.
func (inv *invocation) fail(err error) int {
	fmt.Fprintf(inv.stderr, "dynamodel %s: %v\n", inv.name, err)
	return 1
}

// usage reports a command line the command cannot run, and returns exit
// status 2.
func (inv *invocation) usage(err error) int {
	fmt.Fprintf(inv.stderr, "dynamodel %s: %v\n", inv.name, err)
	return 2
}

// schemaOptions passes the flags on to package schema.
func (inv *invocation) schemaOptions(o *schema.Options) {
	o.TablePrefix, o.TableSuffix = inv.opts.prefix, inv.opts.suffix
	o.AddIndexes, o.DeleteIndexes, o.NoWait = inv.opts.addIndexes, inv.opts.deleteIndexes, inv.opts.noWait
	o.TimeToLive, o.PointInTimeRecovery = inv.opts.ttl, inv.opts.pitr
}

// run is the command; it returns the exit status: 0 done, 1 differences or
// failures, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	inv := &invocation{name: args[0], line: args, stdout: stdout, stderr: stderr}
	fs := flags(&inv.opts, stderr)
	rest, err := parseInterspersed(fs, args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp): // dynamodel apply -h
		printUsage(stderr)
		return 0
	case err != nil: // the flag package has said what is wrong
		fmt.Fprintln(stderr, "dynamodel -h lists the commands and flags")
		return 2
	}
	cmd, ok := commands[inv.name]
	if !ok {
		fmt.Fprintf(stderr, "dynamodel: unknown command %q\n\n%s", inv.name, usage)
		return 2
	}
	if inv.opts.timeout < 0 {
		err = fmt.Errorf("-timeout %v: a duration cannot be negative (0: no limit)", inv.opts.timeout)
	} else {
		err = checkFlags(fs, inv.name)
	}
	if err != nil {
		return inv.usage(err)
	}
	if len(rest) == 0 {
		return inv.usage(errors.New(cmd.args))
	}
	inv.args = rest
	if cmd.untimed && !isSet(fs, "timeout") {
		inv.opts.timeout = 0
	}
	if inv.opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, inv.opts.timeout)
		defer cancel()
	}

	if cmd.files {
		// Every file is checked before anything is sent: one bad file
		// stops the whole run, and nothing is created.
		if inv.tables, err = load(rest, int64(inv.opts.maxFileSize)); err != nil {
			return inv.fail(err)
		}
		if err := checkTTL(inv.opts.ttl, inv.tables); err != nil {
			return inv.fail(err)
		}
	}
	if !cmd.offline {
		if inv.client, err = newClient(ctx, inv.opts); err != nil {
			return inv.fail(err)
		}
	}
	return cmd.run(ctx, inv)
}

// printUsage writes the commands, exit statuses and flags to w.
func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	flags(new(options), w).PrintDefaults()
}

func flags(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dynamodel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // run prints the usage for -h, and a pointer to it for a mistake
	fs.StringVar(&o.endpoint, "endpoint", os.Getenv(dynamodel.EndpointEnv), "DynamoDB endpoint URL (default $DYNAMODB_ENDPOINT, else AWS)")
	fs.StringVar(&o.region, "region", "", "AWS region (default from the AWS configuration)")
	fs.StringVar(&o.profile, "profile", "", "AWS shared configuration profile")
	fs.StringVar(&o.prefix, "prefix", "", "table name prefix, e.g. dev-")
	fs.StringVar(&o.suffix, "suffix", "", "table name suffix")
	fs.BoolVar(&o.addIndexes, "add-indexes", false, "apply, diff: add missing global secondary indexes through UpdateTable")
	fs.BoolVar(&o.deleteIndexes, "delete-indexes", false, "apply, diff: delete global secondary indexes the files lack (with -add-indexes: remake changed ones)")
	fs.Var(&o.ttl, "ttl", "apply, diff, cloudformation: a table's time-to-live attribute, as `TABLE=ATTR` (repeatable; an empty ATTR turns it off)")
	fs.BoolVar(&o.pitr, "pitr", false, "apply, diff, cloudformation: turn point-in-time recovery on for every table")
	fs.BoolVar(&o.noWait, "no-wait", false, "apply, delete: do not wait until tables are ACTIVE or gone (a new table then gets no time to live or point-in-time recovery)")
	fs.StringVar(&o.out, "o", "", "dump: write DIR/TABLE.json files into this directory, made if missing; export: write this file (gzip when it ends in .gz), with checkpoints for -resume")
	fs.BoolVar(&o.yes, "yes", false, "delete: really delete the tables")
	fs.StringVar(&o.format, "format", "yaml", "cloudformation: the template's format, yaml or json")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long, 0 for never (export and import: only when given)")
	o.maxFileSize = schema.DefaultMaxFileSize
	fs.Var(&o.maxFileSize, "max-file-size", "apply, diff, delete, cloudformation: refuse table files over this `size`: bytes, or with a suffix KiB, MiB or GiB")
	bulkFlags(fs, &o.bulk)
	return fs
}

// flagCommands lists the commands of each flag that only some commands
// take; the others take every flag not listed. A flag given to a command
// that does not take it is an error, not ignored: "import -resume" resumes
// nothing, and should say so.
var flagCommands = map[string][]string{
	"add-indexes":    {"apply", "diff"},
	"delete-indexes": {"apply", "diff"},
	"ttl":            {"apply", "diff", "cloudformation"},
	"pitr":           {"apply", "diff", "cloudformation"},
	"no-wait":        {"apply", "delete"},
	"max-file-size":  {"apply", "diff", "delete", "cloudformation"},
	"o":              {"dump", "export"},
	"yes":            {"delete"},
	"format":         {"cloudformation"},
	"segments":       {"export"},
	"consistent":     {"export"},
	"resume":         {"export"},
	"if-absent":      {"import"},
	"control":        {"backfill"},
}

// checkFlags reports the first flag given that command does not take.
func checkFlags(fs *flag.FlagSet, command string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if cmds, ok := flagCommands[f.Name]; ok && err == nil && !slices.Contains(cmds, command) {
			err = fmt.Errorf("-%s is a flag of %s, not of %s", f.Name, strings.Join(cmds, ", "), command)
		}
	})
	return err
}

// isSet reports whether the flag called name was given.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// ttlFlag collects -ttl TABLE=ATTR flags.
type ttlFlag map[string]string

func (f *ttlFlag) String() string {
	var parts []string
	for table, attr := range *f {
		parts = append(parts, table+"="+attr)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func (f *ttlFlag) Set(v string) error {
	table, attr, ok := strings.Cut(v, "=")
	if !ok || table == "" {
		return fmt.Errorf("want TABLE=ATTR, got %q", v)
	}
	if *f == nil {
		*f = ttlFlag{}
	}
	if prev, dup := (*f)[table]; dup && prev != attr {
		return fmt.Errorf("table %s has time-to-live attribute %q already", table, prev)
	}
	(*f)[table] = attr
	return nil
}

// checkTTL reports a -ttl flag that names no table of the files.
func checkTTL(ttl ttlFlag, tables []*schema.Table) error {
	for _, table := range slices.Sorted(maps.Keys(ttl)) { // sorted: the first named is always the same
		if !slices.ContainsFunc(tables, func(t *schema.Table) bool { return t.Name() == table }) {
			return fmt.Errorf("-ttl %s=%s: no file defines table %s", table, ttl[table], table)
		}
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the arguments,
// up to "--": every argument after it is an argument, whatever it looks
// like. It walks the arguments itself, handing the flag package one flag
// (and its value) at a time, so it knows where a "--" stands.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		one := args[i : i+1]
		if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && takesValue(fs, name) && i+1 < len(args) {
			one = args[i : i+2] // the flag's value, even one that starts with "-"
			i++
		}
		if err := fs.Parse(one); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// takesValue reports whether the flag name exists and takes a value (is
// not a boolean flag).
func takesValue(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return false // fs.Parse reports it
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// byteSize is a flag value: a number of bytes, or of KiB, MiB or GiB.
type byteSize int64

var byteUnits = []struct {
	suffix string
	size   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

func (b *byteSize) String() string {
	for _, u := range byteUnits {
		if int64(*b) >= u.size && int64(*b)%u.size == 0 {
			return strconv.FormatInt(int64(*b)/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

func (b *byteSize) Set(s string) error {
	num, unit := s, int64(1)
	for _, u := range byteUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, unit = n, u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/unit {
		return fmt.Errorf("want a positive number of bytes, optionally with a suffix KiB, MiB or GiB, got %q", s)
	}
	*b = byteSize(n * unit)
	return nil
}

// load reads table files and directories, in the order given, refusing
// files over maxSize bytes.
func load(paths []string, maxSize int64) ([]*schema.Table, error) {
	limit := func(o *schema.LoadOptions) { o.MaxFileSize = maxSize }
	var out []*schema.Table
	for _, p := range paths {
		p = strings.TrimPrefix(p, "file://")
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			tables, err := schema.LoadDir(p, limit)
			if err != nil {
				return nil, err
			}
			out = append(out, tables...)
			continue
		}
		tables, err := schema.LoadAll(p, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, tables...)
	}
	seen := map[string]string{}
	for _, t := range out {
		if prev, dup := seen[t.Name()]; dup {
			return nil, fmt.Errorf("table %s is defined in both %s and %s", t.Name(), prev, t.Source)
		}
		seen[t.Name()] = t.Source
	}
	return out, nil
}

// newClient makes the client the flags ask for.
func newClient(ctx context.Context, o options) (*dynamodb.Client, error) {
	if o.profile != "" {
		os.Setenv("AWS_PROFILE", o.profile)
	}
	var loadOpts []func(*config.LoadOptions) error
	if o.region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.region))
	}
	return awsenv.Client(ctx, o.endpoint, loadOpts...)
}
