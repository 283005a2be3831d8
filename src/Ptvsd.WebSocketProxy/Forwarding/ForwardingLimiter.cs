using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// Caps requests being forwarded at once, so no flood of unauthenticated requests can take every socket and buffer
/// the proxy has; requests past the cap are answered 503 at once instead of queueing.
/// </summary>
public sealed class ForwardingLimiter(ProxyOptions options) : ConcurrencyGate(options.MaxForwardedRequests);
