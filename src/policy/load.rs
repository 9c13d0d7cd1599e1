//! Policy file (TOML) loading. (Owned by the policy work; placeholder.)
