package dynamodel

import "testing"

func TestIsLocalEndpoint(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://localhost:8000":                                true,
		"http://LOCALHOST.:8000":                               true,
		"http://engine.localhost:8000":                         true,
		"http://127.0.0.1:8000":                                true,
		"http://127.1.2.3":                                     true,
		"http://[::1]:8000":                                    true,
		"http://0.0.0.0:8000":                                  true,
		"http://10.1.2.3:8000":                                 true,
		"http://172.17.0.2:8000":                               true,
		"http://192.168.1.20:4566":                             true,
		"http://[fd00::1]:8000":                                true,
		"http://dynamodb-local:8000":                           true,
		"http://localstack:4566":                               true,
		"http://host.docker.internal:8000":                     true,
		"https://dynamodb.us-east-1.amazonaws.com":             false,
		"https://dynamodb.eu-west-1.api.aws":                   false,
		"https://vpce-1.dynamodb.us-east-1.vpce.amazonaws.com": false,
		"https://dynamodb.proxy.example.com":                   false,
		"http://ip-10-0-0-1.ec2.internal:8000":                 false,
		"http://8.8.8.8:8000":                                  false,
		"http://169.254.169.254":                               false,
		"localhost:8000":                                       true, // no scheme: the SDK refuses it, naming it
		"127.0.0.1:8000":                                       true,
		"dynamodb.us-east-1.amazonaws.com":                     false,
		"":                                                     false,
		"http://%zz":                                           false,
	} {
		if got := isLocalEndpoint(endpoint); got != want {
			t.Errorf("isLocalEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}
