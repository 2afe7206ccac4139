//! Which address a request comes from, for rate limits: the socket peer, or,
//! when the peer is a configured trusted proxy, the address that proxy says
//! it forwarded for. Forwarded headers from anyone else are ignored: a
//! client could write any address there.
use axum::extract::ConnectInfo;
use std::net::{IpAddr, SocketAddr};

/// The current request's client address, if the server knows its peer.
pub fn current(trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(resolve(peer, &parts.headers, trusted_proxies))
}

/// Walks `X-Forwarded-For` from the right (the entry our proxy added) past
/// trusted proxies; the first other address is the client.
pub fn resolve(peer: IpAddr, headers: &http::HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(address) if trusted_proxies.contains(&address) => continue,
            Ok(address) => return address,
            // Not an address: the chain cannot be trusted past this point.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue};

    fn forwarded_for(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let headers = forwarded_for("198.51.100.1, 203.0.113.7");
        assert_eq!(resolve(proxy, &headers, &[proxy]), client);
        // The same header from an untrusted peer is the peer's own claim.
        assert_eq!(resolve(client, &forwarded_for("1.2.3.4"), &[proxy]), client);
        assert_eq!(resolve(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn chained_trusted_proxies_are_skipped_and_garbage_stops_the_walk() {
        let outer: IpAddr = "10.0.0.1".parse().unwrap();
        let inner: IpAddr = "10.0.0.2".parse().unwrap();
        let headers = forwarded_for("203.0.113.7, 10.0.0.1");
        assert_eq!(
            resolve(inner, &headers, &[outer, inner]),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(resolve(inner, &forwarded_for("not-an-ip"), &[inner]), inner);
    }
}
