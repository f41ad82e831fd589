package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
)

// bulkOptions are the flags of export, import and backfill status.
type bulkOptions struct {
	segments   int
	consistent bool
	resume     bool
	ifAbsent   bool
	control    string
}

func bulkFlags(fs *flag.FlagSet, o *bulkOptions) {
	fs.IntVar(&o.segments, "segments", 0, "export: scan in this many parallel segments (default 4; a resumed export keeps its own)")
	fs.BoolVar(&o.consistent, "consistent", false, "export: strongly consistent reads")
	fs.BoolVar(&o.resume, "resume", false, "export: continue the interrupted export of -o FILE from its checkpoint")
	fs.BoolVar(&o.ifAbsent, "if-absent", false, "import: write only items whose key is free, and list the others")
	fs.StringVar(&o.control, "control", bulk.DefaultControlTable, "backfill status: the control table")
}

// bulkClient is the invocation's client as package bulk wants it.
func (inv *invocation) bulkClient() (bulk.API, error) {
	c, ok := inv.client.(bulk.API)
	if !ok {
		return nil, fmt.Errorf("the client cannot scan and write items")
	}
	return c, nil
}

// tableName applies -prefix and -suffix to a table named on the command
// line, and checks that DynamoDB takes the result as a table name, before
// any call.
func (inv *invocation) tableName(name string) (string, error) {
	full := inv.opts.prefix + name + inv.opts.suffix
	if err := dynamodel.CheckTableName(full); err != nil {
		return "", err
	}
	return full, nil
}

// interruptible returns a context that ends on SIGINT or SIGTERM, so a
// long command can stop cleanly (an export records its checkpoint).
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}
