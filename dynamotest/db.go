package dynamotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel/schema"
)

// DB is a test's view of an engine: a client and the test's own tables.
type DB struct {
	// Engine is the engine the tables live in.
	Engine Engine
	// Client talks to the engine.
	Client *dynamodb.Client
	// Prefix is put before the name of every table the DB creates; it is
	// unique to the DB.
	Prefix string

	tb testing.TB
}

// Options configure New.
type Options struct {
	// Engine is the engine to use; zero means the first of Engines.
	Engine Engine
	// Schemas are the tables created (with Prefix) before New returns.
	Schemas []*schema.Table
	// Keep leaves the tables in place when the test ends, for looking at
	// them afterwards.
	Keep bool
	// ClientOptions are applied to the client.
	ClientOptions []func(*dynamodb.Options)

	errs []error
}

// WithSchemaDir creates the tables defined by the *.json files in dir.
func WithSchemaDir(dir string) func(*Options) {
	return func(o *Options) {
		s, err := schema.LoadDir(dir)
		o.Schemas = append(o.Schemas, s...)
		o.errs = append(o.errs, err)
	}
}

// WithSchemaFS creates the tables defined by the *.json files in directory
// dir of fsys (an embed.FS, for example).
func WithSchemaFS(fsys fs.FS, dir string) func(*Options) {
	return func(o *Options) {
		s, err := schema.LoadFS(fsys, dir)
		o.Schemas = append(o.Schemas, s...)
		o.errs = append(o.errs, err)
	}
}

// WithSchemas creates the tables of already loaded definitions.
func WithSchemas(tables ...*schema.Table) func(*Options) {
	return func(o *Options) { o.Schemas = append(o.Schemas, tables...) }
}

// WithEngine uses engine instead of the default one.
func WithEngine(e Engine) func(*Options) {
	return func(o *Options) { o.Engine = e }
}

// New returns a DB for tb on the engine (see Engines), with the options'
// tables created under a fresh prefix and deleted when tb ends. It skips or
// fails tb, as Engines does, when no engine is available.
func New(tb testing.TB, optFns ...func(*Options)) *DB {
	tb.Helper()
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	for _, err := range o.errs {
		if err != nil {
			tb.Fatalf("dynamotest: %v", err)
		}
	}
	if o.Engine.Endpoint == "" {
		o.Engine = Engines(tb)[0]
	}
	clientOpts := append([]func(*dynamodb.Options){newRetryLog(tb).option}, o.ClientOptions...)
	db := &DB{Engine: o.Engine, Client: o.Engine.Client(clientOpts...), Prefix: uniquePrefix(), tb: tb}
	if len(o.Schemas) > 0 {
		db.CreateTables(o.Schemas, o.Keep)
	}
	return db
}

// Table returns the name under which this DB created table name.
func (db *DB) Table(name string) string { return db.Prefix + name }

// CreateTables creates the tables under the DB's prefix and, unless keep is
// set, deletes them when the test ends.
func (db *DB) CreateTables(tables []*schema.Table, keep bool) {
	tb := db.tb
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prefix := func(o *schema.Options) { o.TablePrefix = db.Prefix }
	if !keep {
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			noWait := func(o *schema.Options) { o.NoWait = true }
			if _, err := schema.Delete(ctx, db.Client, tables, prefix, noWait); err != nil {
				tb.Errorf("dynamotest: delete tables: %v", err)
			}
		})
	}
	changes, err := schema.Apply(ctx, db.Client, tables, prefix)
	if errors.Is(err, schema.ErrUnsupported) && !errors.Is(err, schema.ErrMismatch) {
		// A local engine drops some settings (dynalite: streams, encryption,
		// table class...); the tables are there, without them.
		for _, c := range changes {
			for _, u := range c.Unsupported {
				tb.Logf("dynamotest: %v: %s: %s", db.Engine, c.Table, u)
			}
		}
		err = nil
	}
	if err != nil {
		tb.Fatalf("dynamotest: create tables on %v: %v", db.Engine, err)
	}
}

// uniquePrefix returns a table-name prefix no other DB, in this process or
// another, will use.
func uniquePrefix() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + "-"
}
