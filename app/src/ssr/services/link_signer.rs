//! Invitation links are derived, not stored: `{id}.{HMAC(key, id, nonce)}`.
//! The key lives outside the database (a file in the data dir, or
//! MUSTER_SECRET_KEY), so the database alone cannot produce a working link,
//! while "Copy invite link" can show exactly the link the mail carried.
//! A resend changes the nonce, which kills the old link.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub struct LinkSigner {
    key: [u8; 32],
}

/// A parsed link token: which invitation, and the signature to check.
pub struct LinkToken<'a> {
    pub invitation_id: i32,
    signature: &'a str,
}

impl LinkSigner {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// A fresh 256-bit key.
    pub fn generate_key() -> [u8; 32] {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source failed");
        key
    }

    pub fn encode_key(key: &[u8; 32]) -> String {
        URL_SAFE_NO_PAD.encode(key)
    }

    pub fn decode_key(text: &str) -> Option<[u8; 32]> {
        URL_SAFE_NO_PAD.decode(text.trim()).ok()?.try_into().ok()
    }

    /// A new random nonce for an invitation (128 bits).
    pub fn new_nonce() -> String {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).expect("the operating system's random source failed");
        URL_SAFE_NO_PAD.encode(nonce)
    }

    pub fn token(&self, invitation_id: i32, nonce: &str) -> String {
        format!(
            "{invitation_id}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(invitation_id, nonce).finalize().into_bytes())
        )
    }

    pub fn parse(token: &str) -> Option<LinkToken<'_>> {
        let (id, signature) = token.split_once('.')?;
        let invitation_id = id.parse().ok().filter(|id: &i32| *id > 0)?;
        Some(LinkToken {
            invitation_id,
            signature,
        })
    }

    /// Constant-time check of a token's signature against the invitation's current nonce.
    pub fn verify(&self, token: &LinkToken<'_>, nonce: &str) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(token.signature) else {
            return false;
        };
        self.mac(token.invitation_id, nonce)
            .verify_slice(&signature)
            .is_ok()
    }

    fn mac(&self, invitation_id: i32, nonce: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("muster invitation:{invitation_id}:{nonce}").as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_with_its_key_and_nonce() {
        let signer = LinkSigner::new(LinkSigner::generate_key());
        let nonce = LinkSigner::new_nonce();
        let token = signer.token(42, &nonce);
        let parsed = LinkSigner::parse(&token).unwrap();
        assert_eq!(parsed.invitation_id, 42);
        assert!(signer.verify(&parsed, &nonce));
        assert!(
            !signer.verify(&parsed, &LinkSigner::new_nonce()),
            "a resend's new nonce kills the link"
        );
        let other = LinkSigner::new(LinkSigner::generate_key());
        assert!(
            !other.verify(&parsed, &nonce),
            "the database alone (without the key) cannot forge it"
        );
    }

    #[test]
    fn tampered_or_garbage_tokens_are_refused() {
        let signer = LinkSigner::new([7; 32]);
        let nonce = LinkSigner::new_nonce();
        let token = signer.token(1, &nonce);
        let moved = token.replacen("1.", "2.", 1);
        assert!(!signer.verify(&LinkSigner::parse(&moved).unwrap(), &nonce));
        for garbage in ["", ".", "abc", "0.x", "-1.x", "1", "1.!!!"] {
            assert!(
                LinkSigner::parse(garbage).is_none_or(|t| !signer.verify(&t, &nonce)),
                "{garbage}"
            );
        }
    }

    #[test]
    fn keys_round_trip_through_text() {
        let key = LinkSigner::generate_key();
        assert_eq!(
            LinkSigner::decode_key(&LinkSigner::encode_key(&key)),
            Some(key)
        );
        assert_eq!(LinkSigner::decode_key("too short"), None);
    }
}
