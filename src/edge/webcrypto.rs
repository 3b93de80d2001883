//! `JwsVerifier` over the runtime's WebCrypto: `crypto.subtle.importKey`
//! with the JWK, then `verify`. Called through `Reflect` so that no
//! `web_sys` feature (and no crypto crate) is added to the wasm.

use super::js;
use crate::providers::jws::{Alg, JwsVerifier, PublicKey};
use worker::js_sys::{self, Array, Function, Promise, Reflect, Uint8Array, JSON};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

pub struct WebCryptoVerifier;

/// WebCrypto's names for an algorithm: for `importKey`, then for `verify`.
fn algorithms(alg: Alg) -> (&'static str, &'static str) {
    match alg {
        Alg::Rs256 => (
            r#"{"name":"RSASSA-PKCS1-v1_5","hash":"SHA-256"}"#,
            r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
        ),
        // JWS's ES256 signature is r || s, the form WebCrypto takes.
        Alg::Es256 => (
            r#"{"name":"ECDSA","namedCurve":"P-256"}"#,
            r#"{"name":"ECDSA","hash":"SHA-256"}"#,
        ),
    }
}

/// `subtle[method](...args)`, awaited.
async fn call(subtle: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(subtle, &JsValue::from_str(method))?.dyn_into()?;
    let args: Array = args.iter().collect();
    let promise: Promise = function.apply(subtle, &args)?.dyn_into()?;
    JsFuture::from(promise).await
}

async fn verify(
    alg: Alg,
    key: &PublicKey,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle"))?;
    let (import_alg, verify_alg) = algorithms(alg);
    let usages: Array = [JsValue::from_str("verify")].iter().collect();
    let key = call(
        &subtle,
        "importKey",
        &[
            JsValue::from_str("jwk"),
            JSON::parse(&key.to_jwk_json())?,
            JSON::parse(import_alg)?,
            JsValue::FALSE,
            usages.into(),
        ],
    )
    .await?;
    let verified = call(
        &subtle,
        "verify",
        &[
            JSON::parse(verify_alg)?,
            key,
            Uint8Array::from(signature).into(),
            Uint8Array::from(signing_input).into(),
        ],
    )
    .await?;
    Ok(verified.as_bool() == Some(true))
}

impl JwsVerifier for WebCryptoVerifier {
    async fn verify(
        &self,
        alg: Alg,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, String> {
        verify(alg, key, signing_input, signature)
            .await
            .map_err(|e| js::message(&e))
    }
}
