package lambdaruntime

import (
	"os/exec"
	"syscall"
)

// configureProcess puts the function in its own process group, so that a
// bootstrap script and its children all stop, and has the kernel kill it if
// the test binary dies first.
func configureProcess(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killProcess sends SIGKILL to the process group, as Lambda ends an
// execution environment.
func killProcess(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
