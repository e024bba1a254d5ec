// Command demo runs a complete origin-lock rotation on this machine, against
// moto_server, with the real Lambda binaries:
//
//	go run ./examples/demo
//
// It starts moto_server on loopback, builds the rotation and authorizer
// functions as they are deployed, and runs them through a local Lambda
// Runtime API. It creates the secret and a CloudFront distribution whose
// origin sends the header, then rotates the secret through the rotation
// function while simulated CloudFront edges send a steady stream of requests
// through a simulated API Gateway (authorizer cache included) to warm
// authorizer containers, each edge switching to the new value at its own
// moment during the deployment; meanwhile direct requests without the header,
// or with forged values, try to get in. It prints a timeline and a summary,
// and exits 1 if a legitimate request was refused or a direct one allowed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	cfg := defaultConfig()
	flag.IntVar(&cfg.edges, "edges", cfg.edges, "simulated CloudFront edges")
	flag.IntVar(&cfg.containers, "containers", cfg.containers, "warm authorizer containers")
	flag.DurationVar(&cfg.propagation, "propagation", cfg.propagation, "how long the simulated CloudFront deployment takes")
	flag.DurationVar(&cfg.settle, "settle", cfg.settle, "the rotation function's SETTLE_DELAY")
	flag.DurationVar(&cfg.cooldown, "cooldown", cfg.cooldown, "the authorizers' REFRESH_COOLDOWN")
	flag.Uint64Var(&cfg.seed, "seed", cfg.seed, "seed for the edges' switch moments")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute) // a cold module cache makes the build slow
	defer cancel()

	s, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}
	if !s.ok() {
		os.Exit(1)
	}
}
