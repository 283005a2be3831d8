namespace Ptvsd.WebSocketProxy;

/// <summary>An answer the proxy gives itself instead of the app's: one line of plain text, never cached.</summary>
internal static class ProxyAnswer
{
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
