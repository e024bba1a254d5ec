package motoserver

import (
	"os/exec"
	"syscall"
)

// configureProcess puts moto_server in its own process group, so that Close
// stops the Python process behind any shim, and has the kernel kill it if the
// test binary dies first.
func configureProcess(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func stopProcess(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}
