package dynamodel

import (
	"context"
	"errors"
)

// UserTable is the name of the seed's user table (testdata/create-user.json).
const UserTable = "User"

// User is the seed's user, ready to use: email is the hash key, and the
// attributes are named as the seed stores them (email, first_name,
// last_name), so Python code like the seed's reads the items dynamodel
// writes, and the other way round. Empty names are not stored.
type User struct {
	Email     string `dynamodbav:"email" dynamodel:"hash" json:"email"`
	FirstName string `dynamodbav:"first_name,omitempty" json:"first_name,omitempty"`
	LastName  string `dynamodbav:"last_name,omitempty" json:"last_name,omitempty"`
}

// ID returns the user's login id, the email: what the seed's get_id meant
// to return for a login session.
func (u User) ID() string { return u.Email }

// UserChanges is a partial change to a user, as a PATCH request carries it:
// an unset field is left alone, a set field is stored, a cleared field is
// removed. In JSON, an absent field is unset and null clears it.
//
//	{"last_name": "Byron"}                  set last_name
//	{"first_name": null}                    remove first_name
type UserChanges struct {
	FirstName Optional[string] `dynamodbav:"first_name" json:"first_name"`
	LastName  Optional[string] `dynamodbav:"last_name" json:"last_name"`
}

// NewUserRepository returns a repository for the seed's User table.
func NewUserRepository(client API, optFns ...func(*Options)) (*Repository[User], error) {
	return NewRepository[User](client, UserTable, optFns...)
}

// PrepareUser is the seed's prepare_user: it turns a change set into the
// update that applies it. A change set that changes nothing gives an error
// wrapping ErrEmptyUpdate, so no call is made for it.
func PrepareUser(changes UserChanges) (Update, error) {
	upd, err := PrepareUpdate(changes)
	if err == nil && upd.IsEmpty() {
		err = ErrEmptyUpdate
	}
	return upd, err
}

// GetUser is the seed's get_user: it returns the user with email, or nil
// (and no error) when there is none.
func GetUser(ctx context.Context, users *Repository[User], email string) (*User, error) {
	u, found, err := users.Lookup(ctx, email)
	if err != nil || !found {
		return nil, err
	}
	return &u, nil
}

// UpdateUser applies changes to the user with email and returns the user as
// stored. It fails with ErrNotFound for a user that does not exist (and
// creates nothing), and with ErrEmptyUpdate for changes that change nothing.
func UpdateUser(ctx context.Context, users *Repository[User], email string, changes UserChanges) (User, error) {
	upd, err := PrepareUser(changes)
	if err != nil {
		return User{}, err
	}
	return users.Update(ctx, email, upd)
}

// DeleteUser deletes the user with email. It reports whether there was one.
func DeleteUser(ctx context.Context, users *Repository[User], email string) (deleted bool, err error) {
	_, err = users.DeleteReturning(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
