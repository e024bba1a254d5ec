//go:build terraform && !linux

package terraform

import (
	"os/exec"
	"time"
)

// configureCommand lets the command's context kill it (exec's default).
func configureCommand(cmd *exec.Cmd) { cmd.WaitDelay = 10 * time.Second }
