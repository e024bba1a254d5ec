// Package envconfig reads the configuration of the ready-to-deploy Lambda
// functions (examples/lambda) from environment variables, and explains what
// is wrong in terms an operator can act on: every error names the variable,
// says what was wanted, and shows the value unless the variable's name looks
// secret (Sensitive).
//
// An Env reads through a lookup function (os.LookupEnv in a main, a map in
// tests) and collects every problem, so that one failed start lists them all.
// A variable set to the empty string, or to spaces, counts as not set;
// spaces around a value are ignored. The contract the functions implement is
// examples/lambda/README.md.
package envconfig
