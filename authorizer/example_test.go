package authorizer_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
)

// The API's Lambda authorizer: a REST API REQUEST authorizer whose identity
// source is method.request.header.X-Origin-Verify. It starts the Lambda
// runtime loop, so it only compiles here.
func ExampleRESTRequest() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	v, err := authorizer.NewVerifier(secretsmanager.NewFromConfig(cfg), "origin-verify")
	if err != nil {
		log.Fatal(err)
	}
	if err := v.Load(context.Background()); err != nil { // during init, not on the first request
		log.Print(err)
	}
	lambda.Start(authorizer.RESTRequest(v, "X-Origin-Verify"))
}

// An origin that is not behind API Gateway (an ALB target or an ECS service).
func ExampleMiddleware() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	v, err := authorizer.NewVerifier(secretsmanager.NewFromConfig(cfg), "origin-verify")
	if err != nil {
		log.Fatal(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello from behind CloudFront") })
	log.Fatal(http.ListenAndServe(":8080", authorizer.Middleware(v, "X-Origin-Verify", app)))
}

func ExampleStageResource() {
	fmt.Println(authorizer.StageResource("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/pets/42"))
	// Output: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*/*
}
