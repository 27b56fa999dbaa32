"""`make conformance`: is this server keeping the contract? Guard, schemathesis, the generated
client, reports."""
