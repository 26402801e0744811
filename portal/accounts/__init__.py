"""Accounts and sessions (等保 2.0 身份鉴别): password policy presets and history, password
expiry, Argon2id hashing, login lockouts and the per-address throttle, idle and absolute
session limits, and the check that refuses the demo accounts in production."""
