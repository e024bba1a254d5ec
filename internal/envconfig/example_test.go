package envconfig_test

import (
	"fmt"
	"time"

	"github.com/originlock/originlock/internal/envconfig"
)

func Example() {
	env := envconfig.New(envconfig.Map(map[string]string{
		"VALUE_LENGTH":  "12",
		"POLL_INTERVAL": "15",
		"SECRET_FORMAT": "yaml",
	}))
	env.Required("SECRET_ID")
	env.Int("VALUE_LENGTH", 64, 43, 1783)
	env.Duration("POLL_INTERVAL", 15*time.Second, time.Second, envconfig.MaxDuration)
	env.SecretFormat("SECRET_FORMAT", "SECRET_JSON_KEY")
	fmt.Println(env.Err())
	// Output:
	// SECRET_ID is required but not set
	// VALUE_LENGTH="12": want an integer from 43 to 1783
	// POLL_INTERVAL="15": want a duration such as 90s, 5m or 1h30m
	// SECRET_FORMAT="yaml": want json or plain
}
