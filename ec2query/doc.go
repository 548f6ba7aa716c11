// Package ec2query serves the EC2 key-pair API over the EC2 Query protocol,
// so boto3, the aws CLI and the AWS SDKs can talk to keyforge as they talk
// to EC2: CreateKeyPair, ImportKeyPair, DescribeKeyPairs and DeleteKeyPair.
//
// Requests are POSTs of an application/x-www-form-urlencoded body (GET with
// a query string works too): Action=CreateKeyPair&Version=2016-11-15&...,
// lists flattened with 1-based indices (KeyName.1, Filter.1.Value.2,
// TagSpecification.1.Tag.1.Key), booleans true/false, PublicKeyMaterial in
// base64. The Region is the one in the SigV4 credential scope (Authorization
// header or a presigned X-Amz-Credential), else Options.DefaultRegion.
//
// Responses are EC2's XML byte for byte: the 2016-11-15 namespace, a
// requestId, no <tagSet> on an untagged create or import and one (maybe
// empty) in every describe item, createTime with milliseconds, and error
// documents with EC2's codes, messages and HTTP statuses (DryRun is 412).
// A deterministic failure is never a 5xx or a throttling code, since
// clients retry those and a retried create would run twice. Malformed
// input (form syntax, list indices, booleans, base64, unknown parameters,
// oversized bodies) is a 400 error; a panic is recovered as a 500
// InternalError and logged.
//
// Signatures are not checked unless Options.Credentials is set; then every
// request must carry a valid SigV4 signature made within 15 minutes of the
// server's clock, or it gets 401 AuthFailure.
//
// Choices EC2 does not document and this package makes: a parameter given
// twice, an index of 0 or with leading zeros, and an unknown parameter are
// 400 errors; booleans are case-insensitive; a missing Version is
// MissingParameter; at most Options.MaxRegions Region names are served.
package ec2query
