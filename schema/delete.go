package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// deleteConcurrency is how many DeleteTable calls Delete has in flight.
const deleteConcurrency = 4

// Delete deletes the tables (with prefix and suffix), several at once, and
// waits until they are gone; it returns the names of the tables it deleted,
// sorted. Tables that do not exist are skipped; a table being created or
// changed is waited for until it is ACTIVE, then deleted. It is meant for
// tests and for tearing down an environment.
func Delete(ctx context.Context, client API, tables []*Table, optFns ...func(*Options)) ([]string, error) {
	o := collectOptions(optFns)
	deleted, err := deleteTables(ctx, client, tables, o)
	if err != nil || o.NoWait {
		return deleted, err
	}
	return deleted, waitGone(ctx, client, o, deleted...)
}

// waitGone polls the tables, all in each round, until none of them
// exists.
func waitGone(ctx context.Context, client API, o Options, tables ...string) error {
	pending := slices.Clone(tables)
	return poll(ctx, o, func() (bool, error) {
		var still []string
		for _, name := range pending {
			live, err := liveTable(ctx, client, name, o)
			if err != nil {
				return false, err
			}
			if live != nil {
				still = append(still, name)
			}
		}
		pending = still
		return len(pending) == 0, nil
	}, "dynamodel: waiting for table "+strings.Join(tables, ", ")+" to be deleted")
}

// deleteTables sends the DeleteTable calls, deleteConcurrency at a time;
// after the first failure (or when ctx ends) no further call starts.
func deleteTables(ctx context.Context, client API, tables []*Table, o Options) ([]string, error) {
	var (
		mu       sync.Mutex
		deleted  []string
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, deleteConcurrency)
	for _, t := range tables {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		mu.Lock()
		if firstErr == nil {
			firstErr = ctx.Err()
		}
		stop := firstErr != nil
		mu.Unlock()
		if stop {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			name, err := deleteTable(ctx, client, o.TableName(t), o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if name != "" {
				deleted = append(deleted, name)
			}
		}()
	}
	wg.Wait()
	slices.Sort(deleted)
	return deleted, firstErr
}

// deleteTable deletes the table called name; it returns name if it did, ""
// if there was no such table. A table being created or changed, which
// DynamoDB refuses to delete (ResourceInUseException), is waited for
// until it is ACTIVE (or gone), then deleted.
func deleteTable(ctx context.Context, client API, name string, o Options) (string, error) {
	_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name}, o.ClientOptions...)
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		if err := waitSettled(ctx, client, o, name); err != nil {
			return "", err
		}
		_, err = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name}, o.ClientOptions...)
	}
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("dynamodel: DeleteTable %s: %w", name, err)
	}
	return name, nil
}

// waitSettled polls the table until it is ACTIVE with its indexes, being
// deleted, or gone.
func waitSettled(ctx context.Context, client API, o Options, name string) error {
	return poll(ctx, o, func() (bool, error) {
		live, err := liveTable(ctx, client, name, o)
		return live == nil || isActive(live) || live.TableStatus == types.TableStatusDeleting, err
	}, "dynamodel: waiting for table "+name+" to become ACTIVE before deleting it")
}
