// Package waf provides HeaderRule, a rotation.Target that keeps one rule of
// an AWS WAFv2 web ACL accepting the secret's header values: the web ACL of
// a REST API stage or an Application Load Balancer, whose default action
// blocks, with one rule that allows a request only when its origin-verify
// header EXACTLY equals AWSCURRENT or AWSPENDING (and AWSPREVIOUS until the
// next rotation, unless WithRevokePrevious). WAF then refuses requests that
// skipped CloudFront before any authorizer Lambda runs.
//
// It is a drop-in for the rule of AWS's origin-verify sample
// (aws-samples/amazon-cloudfront-waf-secretsmanager): the same shape (an
// OrStatement of ByteMatchStatements on a SingleHeader, positional
// constraint EXACTLY, text transformation NONE; a single ByteMatchStatement
// when only one value is valid) and the same secret format (JSON key
// HEADERVALUE). It finds the rule by name and changes only its statement:
// the rule's action, priority and visibility config, every other rule and
// every setting of the web ACL are sent back as read. A rule of any other
// shape is refused, never overwritten.
//
// UpdateWebACL replaces the whole web ACL, so HeaderRule reads it with
// GetWebACL and writes it back with the LockToken it read; a
// WAFOptimisticLockException (someone else changed the web ACL meanwhile)
// makes it read again, a bounded number of times. The web ACL travels
// through the AWS SDK's typed view: every field the pinned
// github.com/aws/aws-sdk-go-v2/service/wafv2 knows is sent back unchanged (a
// test checks that every field of UpdateWebACLInput is copied), but a field
// AWS adds after that SDK version would be dropped on read and reset by the
// update; keep the module current in the program that deploys this.
//
// WAF reports no propagation status: AWS documents that a change takes
// "from a few seconds to a number of minutes" to reach everywhere. So
// TestSecret reports the pending value in effect only once the rule holds it
// and WithPropagationDelay has passed since this instance changed the rule
// (or, after a crash or in a new Lambda container, since it first saw the
// value there): never earlier than the delay after the update. The AWS sample
// sleeps 75 seconds once, blindly; here the wait is checked, bounded by the
// Lambda deadline, not repeated by a retry in the same container, and timed
// by an injected clock.
//
// UpdateWebACL: https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html
// Byte match statement: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-string-match.html
package waf
