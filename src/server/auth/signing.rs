//! An RSA signing key with its public JWK: what local sign-in signs with, and what the tests
//! use to play Auth0.

use aws_lc_rs::{
    digest,
    encoding::AsDer,
    rsa::{KeyPair, KeySize},
    signature::KeyPair as _,
};
use base64::{Engine, engine::general_purpose::STANDARD, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

pub struct SigningKey {
    encoding: EncodingKey,
    kid: String,
    n: String,
    e: String,
    pem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot generate an RSA key")]
    Generate,
    #[error("the key is not an RSA private key in PKCS#8 PEM form")]
    Parse,
}

impl SigningKey {
    /// A fresh 2048-bit RSA key.
    pub fn generate() -> Result<SigningKey, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        let der = pair.as_der().map_err(|_| KeyError::Generate)?;
        SigningKey::from_pkcs8_der(der.as_ref())
    }

    /// Reads the PEM written by [`SigningKey::to_pem`].
    pub fn from_pem(pem: &str) -> Result<SigningKey, KeyError> {
        let body: String =
            pem.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect();
        let der = STANDARD.decode(body).map_err(|_| KeyError::Parse)?;
        SigningKey::from_pkcs8_der(&der)
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, KeyError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|_| KeyError::Parse)?;
        let public = pair.public_key();
        let n_bytes = public.modulus().big_endian_without_leading_zero();
        let e_bytes = public.exponent().big_endian_without_leading_zero();
        // A stable key id derived from the key itself: the same key always has the same kid.
        let kid = URL_SAFE_NO_PAD.encode(&digest::digest(&digest::SHA256, n_bytes).as_ref()[..12]);
        let pem = to_pem(der);
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| KeyError::Parse)?;
        Ok(SigningKey {
            encoding,
            kid,
            n: URL_SAFE_NO_PAD.encode(n_bytes),
            e: URL_SAFE_NO_PAD.encode(e_bytes),
            pem,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key as PKCS#8 PEM.
    pub fn to_pem(&self) -> &str {
        &self.pem
    }

    /// The public key as a JWK, the way Auth0 publishes its keys.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": self.n,
            "e": self.e,
        })
    }

    /// A JWK set holding just this key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk()] })
    }

    /// Signs `claims` with RS256 under this key's `kid`.
    pub fn sign(&self, claims: &impl Serialize) -> String {
        self.sign_with_kid(claims, &self.kid)
    }

    /// Signs with an arbitrary `kid` in the header (tests use it for unknown-kid cases).
    pub fn sign_with_kid(&self, claims: &impl Serialize, kid: &str) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .expect("RS256 signing with a valid RSA key cannot fail")
    }
}

fn to_pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_keeps_the_key_and_its_kid() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pem(key.to_pem()).unwrap();
        assert_eq!(key.kid(), again.kid());
        assert_eq!(key.jwk(), again.jwk());
        assert!(
            SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                .is_err()
        );
    }
}
