package cloudfront

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The SDK's middleware stack carries the raw configuration both ways, so
// that endpoints, signing, If-Match and error handling stay the SDK's (the
// retry loop is OriginHeader's own, over single-attempt calls): a
// Deserialize-step middleware keeps the body GetDistributionConfig
// returned, and a Build-step middleware (before the payload hash and the
// signature of the Finalize step) puts the patched bytes in place of the body
// the SDK serialized for UpdateDistribution.

// captureBody returns API options that store the body of a successful
// response in *body. The SDK's deserializer still reads the same bytes.
func captureBody(body *[]byte) func(*cloudfront.Options) {
	mw := middleware.DeserializeMiddlewareFunc("originlock.CaptureRawBody", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if err != nil {
			return out, md, err
		}
		resp, ok := out.RawResponse.(*smithyhttp.Response)
		if !ok || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil {
			return out, md, err
		}
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return out, md, fmt.Errorf("cloudfront: reading the response body: %w", err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		*body = b
		return out, md, nil
	})
	return func(o *cloudfront.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			// After: innermost in the step, so it sees the response before
			// the operation's deserializer reads it.
			return s.Deserialize.Add(mw, middleware.After)
		})
	}
}

// validationID is the ID of the SDK's input validation middleware.
const validationID = "OperationInputValidation"

// sendBody returns API options that make UpdateDistribution send body as its
// request payload and set *sent. With them, the caller passes an empty
// DistributionConfig: the typed configuration never carries the config, so a
// client that ignored these options would fail the SDK's validation rather
// than send a lossy copy. The options therefore drop that validation, which
// would refuse the empty struct; the other inputs it checked, Id and IfMatch,
// OriginHeader always sets (an empty ETag would get CloudFront's
// InvalidIfMatchVersion, which makes it read again).
func sendBody(body []byte, sent *bool) func(*cloudfront.Options) {
	mw := middleware.BuildMiddlewareFunc("originlock.SendRawBody", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
		req, ok := in.Request.(*smithyhttp.Request)
		if !ok {
			return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("%w: unexpected request type %T", ErrRawConfig, in.Request)
		}
		req, err := req.SetStream(bytes.NewReader(body))
		if err != nil {
			return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("%w: %w", ErrRawConfig, err)
		}
		req.ContentLength = int64(len(body))
		in.Request = req
		*sent = true
		return next.HandleBuild(ctx, in)
	})
	return func(o *cloudfront.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			if _, err := s.Initialize.Remove(validationID); err != nil {
				return fmt.Errorf("%w: %w", ErrRawConfig, err)
			}
			// Before: first in the Build step, ahead of the content length
			// and of every checksum or signature computed from the body.
			return s.Build.Add(mw, middleware.Before)
		})
	}
}

var errNoRawBody = errors.New("the client returned no raw response body: OriginHeader needs an AWS SDK CloudFront client (or an API that passes the SDK options through to one)")
