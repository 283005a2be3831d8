namespace Ptvsd.WebSocketProxy.Configuration;

/// <summary>A user mistake in the proxy's configuration: reported as one line, never as a stack trace.</summary>
public sealed class ProxyConfigurationException(string message) : Exception(message);
