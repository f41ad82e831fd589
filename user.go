package dynamodel

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
// PrepareUpdate turns it into the Update that applies it, as the seed's
// prepare_user meant to. An empty name is not stored (see User), so setting
// one to "" removes it, as null does.
//
//	{"last_name": "Byron"}                  set last_name
//	{"first_name": null}                    remove first_name
//	{"first_name": ""}                      remove first_name
type UserChanges struct {
	FirstName Optional[string] `dynamodbav:"first_name,omitempty" json:"first_name"`
	LastName  Optional[string] `dynamodbav:"last_name,omitempty" json:"last_name"`
}

// NewUserRepository returns a repository for the seed's User table.
func NewUserRepository(client API, optFns ...func(*Options)) (*Repository[User], error) {
	return NewRepository[User](client, UserTable, optFns...)
}
