use super::*;

/// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.
pub(crate) const P256_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1GXCeoHlop6PfbO+
yKhRBL3MhUOGOqviRSlyIJrkV/+hRANCAATpZ7ti05A2pJZI+a0PerIVGPHecSDj
uGeZAJcEQMKSLiI0eT8EZW6i2s+ytr+pY9s0u16uNlC4RDesLNDGrknK
-----END PRIVATE KEY-----
";

/// Another of the same.
pub(crate) const P256_PEM_2: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0xw+jLDnYDuOexiH
Prej2DNmKWfjpYANwpJvJ5t0kl6hRANCAASnjDkh/n2GcKIzr9wE+PbCPF0I6SFt
f6ffpG0XoWvEzVAzr2NJEo29LBML2AJt5OG55qKbtuPZQCbklkMjiGCY
-----END PRIVATE KEY-----
";

/// The same command with `ec_paramgen_curve:P-384`.
const P384_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBJkruKhSD2S2m4ADMU
tLlvR0qLiflNpkjKoay9Dz61S0jNWMt1/xCF3Nvy7ZWPT12hZANiAAQHNmUZxjFI
E3D3erpWNwQuMmxwUmXEpSJF7hRNOSG3jY/y+SvELO7/W6vK2KqsR/CUrN6b0m2C
ifeWksg9iVLL+DroHIjzJfr0iSo/0Fybek5x2RhwngWqYRWVz4fpkL0=
-----END PRIVATE KEY-----
";

/// `openssl ecparam -name prime256v1 -genkey -noout`: SEC 1, not PKCS#8.
const SEC1_PEM: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIL4eY3lzwXpCmK9/itHtG0ZDdaYznl/NQ/7b7oXXKCMHoAoGCCqGSM49
AwEHoUQDQgAEGGKQ/fkArzIC0rBQ4Ipa3n8xKfCPRy2b0ukVjyZD5Tr458c+vpk0
BLjsrTr1aUo/ZCWD4O06polaKfcJhMEU1A==
-----END EC PRIVATE KEY-----
";

/// `openssl genpkey -algorithm ED25519`: PKCS#8, but not ECDSA.
const ED25519_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEM1MjVMx/i9QPM104njHPfI/H1l+5G5fPTebSHSgd+v
-----END PRIVATE KEY-----
";

#[test]
fn accepts_a_p256_pkcs8_pem() {
    let key = parse_pem(P256_PEM).expect("a P-256 key");
    assert_eq!(key.der().len(), 138);
}

#[test]
fn accepts_line_breaks_written_as_backslash_n() {
    let one_line = P256_PEM.trim().replace('\n', "\\n");
    assert_eq!(parse_pem(&one_line), parse_pem(P256_PEM));
}

#[test]
fn refuses_another_curve() {
    assert_eq!(parse_pem(P384_PEM), Err(Problem::NotAnAssertionKey));
}

#[test]
fn refuses_a_sec1_key() {
    assert_eq!(parse_pem(SEC1_PEM), Err(Problem::NotAnAssertionKey));
}

#[test]
fn refuses_another_algorithm() {
    assert_eq!(parse_pem(ED25519_PEM), Err(Problem::NotAnAssertionKey));
}

#[test]
fn refuses_broken_base64() {
    let broken = P256_PEM.replace("MIGHAgEA", "MIGHA*EA");
    assert_eq!(parse_pem(&broken), Err(Problem::NotAnAssertionKey));
}

#[test]
fn refuses_a_truncated_key() {
    let short = P256_PEM.replace(
        "uGeZAJcEQMKSLiI0eT8EZW6i2s+ytr+pY9s0u16uNlC4RDesLNDGrknK\n",
        "",
    );
    assert_eq!(parse_pem(&short), Err(Problem::NotAnAssertionKey));
}

#[test]
fn refuses_text_that_is_no_pem() {
    assert_eq!(parse_pem("secret"), Err(Problem::NotAnAssertionKey));
}

#[test]
fn debug_never_shows_the_key() {
    let key = parse_pem(P256_PEM).expect("a P-256 key");
    assert_eq!(format!("{key:?}"), "[redacted]");
}
