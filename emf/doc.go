// Package emf publishes CloudWatch metrics as Embedded Metric Format (EMF)
// log lines: JSON documents written to standard output that CloudWatch Logs
// turns into metrics, with no CloudWatch API call, client or credentials. It
// depends on the standard library only, so a Lambda function can use it
// without growing its binary by more than a few kilobytes.
//
// A Logger holds the namespace and the dimensions every metric carries (the
// function's name, say). A Batch collects one unit of work's metrics (one
// Lambda invocation, with Wrap) and aggregates them: counts with the same
// name and dimensions are summed, values of a distribution (latencies) are
// kept as an array of up to MaxValues per document. Flush writes as few
// documents as the dimension values allow, usually one line per invocation.
// Parse reads a document back and checks it against the specification, for
// tests and tools.
//
// Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
package emf
