package pemenc

// pemSeeds are openssl-made encrypted keys (passphrase fixturePass) seeding the fuzzers.
var pemSeeds = []string{
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" +
		"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhLmvOZPp5qKQICA+gw\n" +
		"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEFys9p+dBTI7OTEK4Ruq5nsEgZBG\n" +
		"mXX2Wta4DlG7H8cWHY/209KrlBP+ZwcBAoYGZjqG+aNRV41Nzr8+AxIoFGGoJHAq\n" +
		"mU26XivcJnAW/wVtcRYLkIACNxHe+FiMmrf40/T4L4A1ptCVe4PPP0rgRDVdmq5r\n" +
		"v+PKCrw6gREVfZNJTz/8QESBWIkHZo9RxlA58O608zWGjbkBGEO8G0nAT3WaWfI=\n" +
		"-----END ENCRYPTED PRIVATE KEY-----\n" +
		"",
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" +
		"MIHeMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAOBAjkC5cDQSUIvgICA+gw\n" +
		"HQYJYIZIAWUDBAECBBB9lLTx5ZCNPd1qyWlXkD23BIGQcsGibGp8WDxNdc271eQ6\n" +
		"eKk0VMo4CsdRgjuiKnCIGUIvTDiLwzNNU7T6qXna8kWgK/q0rd1CVa17CEcZ6b1A\n" +
		"63Zs/UTZ7ZercFlJQsyLumjHdA1SoiRTYmeEqSjC1juv5rr31+yInXlyHoFabz/W\n" +
		"lsOYxllknKc2Ezjqql7cDadvVTIS3ThOt/bprlPlTrs2\n" +
		"-----END ENCRYPTED PRIVATE KEY-----\n" +
		"",
	"-----BEGIN EC PRIVATE KEY-----\n" +
		"Proc-Type: 4,ENCRYPTED\n" +
		"DEK-Info: AES-256-CBC,ADB064AF22DFFC6CCBABE88D21FE6211\n" +
		"\n" +
		"mri8fS43V+c7msUcuUWYwYmMVMR9Ykbd21vBszinblSd0rsLMuejyWP9cL63RISy\n" +
		"S1NSDjM+Gz9tqvvMguWR9r0TUdodrVYxMtFMQu8zKKGL6HvqGaHTWioHFCs+FRIG\n" +
		"VO3KmGlJK0mdQ42qne55lgf097dNsdb0YYU8U1yYm5s=\n" +
		"-----END EC PRIVATE KEY-----\n" +
		"",
	"-----BEGIN EC PRIVATE KEY-----\n" +
		"Proc-Type: 4,ENCRYPTED\n" +
		"DEK-Info: DES-EDE3-CBC,75763F6C3D10114F\n" +
		"\n" +
		"mZ+TPhua60MDrMUc/CHJ4UQcQp7bZL+m9BxD00B8l13YnMHDQlK5EU/32Stnnv/y\n" +
		"f55WMJNh9BaGV+cpEP6TeQWqjSIDwS70DamFup2iSGhdBeKAgQdGb5FHMkN9qJay\n" +
		"EKk4GShbQNTKvOkC0TN8lTDq6AfjOapdxuwubt7ajx0=\n" +
		"-----END EC PRIVATE KEY-----\n" +
		"",
	"-----BEGIN EC PARAMETERS-----\n" +
		"BggqhkjOPQMBBw==\n" +
		"-----END EC PARAMETERS-----\n" +
		"-----BEGIN EC PRIVATE KEY-----\n" +
		"MHcCAQEEIKHNoFZQt5GiwOfepVhxMIsSqn98RawXqXSVtSNUOq41oAoGCCqGSM49\n" +
		"AwEHoUQDQgAEAC94VDQx8XpSuA3MVJibgj37mwZzQCKsH33YbSP29OwInDX3LVJT\n" +
		"I2guFnCiqTJ/S7D3h7PubEDN9VVUd5zCAQ==\n" +
		"-----END EC PRIVATE KEY-----\n" +
		"",
}
