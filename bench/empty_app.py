#!/usr/bin/env python3
"""(a) The floor: an empty CDK app (Python, Node, jsii and aws-cdk-lib start-up, one synth)."""

import aws_cdk as cdk

app = cdk.App()
app.synth()
