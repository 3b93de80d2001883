//! The runtime's own objects (Request, Response, Headers, streams) read and
//! made directly through `web_sys`: worker's wrappers parse every incoming
//! request's `cf` object and URL, and link converters this Worker never
//! needs (3 KB of gzipped wasm, and CPU on every request).

use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;

/// A header's value; a name the runtime refuses reads as absent.
pub(super) fn header(headers: &web_sys::Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// A thrown value's message, for the log. Not `{e:?}`: a JsValue's Debug
/// links float formatting.
pub(super) fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the runtime threw".into())
}

/// Reads a body stream chunk by chunk; `on_chunk` answers whether to go on.
/// Stopping early cancels the stream, so the runtime drops the rest.
pub(super) async fn read_chunks(
    stream: web_sys::ReadableStream,
    mut on_chunk: impl FnMut(&[u8]) -> bool,
) -> Result<(), JsValue> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    loop {
        let step = JsFuture::from(reader.read()).await?;
        if Reflect::get(&step, &JsValue::from_str("done"))?.is_truthy() {
            return Ok(());
        }
        let chunk = Reflect::get(&step, &JsValue::from_str("value"))?;
        let chunk = chunk
            .dyn_into::<Uint8Array>()
            .map_err(|_| JsValue::from_str("a body chunk that is not bytes"))?;
        if !on_chunk(&chunk.to_vec()) {
            // The caller's answer stands whatever cancelling says.
            let _ = reader.cancel();
            return Ok(());
        }
    }
}

/// A response with this status, headers and body (none when empty, as a
/// 204 must have).
pub(super) fn response(
    status: u16,
    headers: &[(String, String)],
    mut body: Vec<u8>,
) -> Result<web_sys::Response, JsValue> {
    let out = web_sys::Headers::new()?;
    for (name, value) in headers {
        // Only Set-Cookie may legitimately repeat.
        if name.eq_ignore_ascii_case("set-cookie") {
            out.append(name, value)?;
        } else {
            out.set(name, value)?;
        }
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&out);
    let body = if body.is_empty() {
        None
    } else {
        Some(body.as_mut_slice())
    };
    web_sys::Response::new_with_opt_u8_array_and_init(body, &init)
}
