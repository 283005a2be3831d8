using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>Caps concurrent debug sessions; each one holds a debug-server socket and two 64 KiB buffers.</summary>
public sealed class SessionLimiter(ProxyOptions options) : ConcurrencyGate(options.MaxSessions);
