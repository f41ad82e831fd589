package dynamodel_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

// quickPhotosExample makes the quick-photos table (testdata) under the
// examples' prefix, once, and returns its schema.
var quickPhotosExample = sync.OnceValue(func() *schema.Table {
	s, err := schema.Load("testdata/quick-photos.json")
	if err != nil {
		panic(err)
	}
	if _, err := schema.Apply(context.Background(), localClient(), []*schema.Table{s},
		func(o *schema.Options) { o.TablePrefix = examples.prefix }); err != nil {
		panic(err)
	}
	return s
})

func ExampleTable_BatchWrite() {
	type User struct {
		Username string `dynamodbav:"username"`
		Name     string `dynamodbav:"name"`
	}
	type Photo struct {
		Username  string `dynamodbav:"username"`
		Timestamp string `dynamodbav:"timestamp"`
	}
	ctx := context.Background()
	s := quickPhotosExample()
	tbl, _ := dynamodel.NewTable(localClient(), table("quick-photos"), func(o *dynamodel.TableOptions) { o.Schema = s })
	users, _ := dynamodel.NewEntity[User](tbl, "User", dynamodel.Keys("USER#{username}", "#METADATA#{username}"))
	photos, _ := dynamodel.NewEntity[Photo](tbl, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))

	// Items of both entities, and keys of either, in one batch.
	_, err := tbl.BatchWrite(ctx, []dynamodel.Item{
		users.Item(User{Username: "ada", Name: "Ada"}),
		photos.Item(Photo{Username: "ada", Timestamp: "2019-03-02T09:11:30"}),
	}, []any{photos.Key("ada", "2019-01-01T00:00:00")})
	fmt.Println(err)

	items, err := tbl.BatchGet(ctx, []any{photos.Key("ada", "2019-03-02T09:11:30"), users.Key("ada")})
	for _, it := range items {
		if p, ok := dynamodel.As(photos, it); ok {
			fmt.Println(it.Entity(), p.Timestamp)
		}
		if u, ok := dynamodel.As(users, it); ok {
			fmt.Println(it.Entity(), u.Name)
		}
	}
	fmt.Println(err)
	// Output:
	// <nil>
	// Photo 2019-03-02T09:11:30
	// User Ada
	// <nil>
}
