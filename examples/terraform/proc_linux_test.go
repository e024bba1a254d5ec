//go:build terraform

package terraform

import (
	"os/exec"
	"syscall"
	"time"
)

// configureCommand runs cmd in its own process group, killed whole when the
// command's context ends, so that terraform's provider plugin goes with it;
// and has the kernel kill terraform if the test binary dies first.
func configureCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
}
