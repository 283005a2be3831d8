using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Tests;

public sealed class AttachUriParserTests
{
    private const string Secret = "k7qmzdx4tj2wq5vyb3nr";

    public static TheoryData<string, string, string, string> AcceptedForms => new()
    {
        // input, WebSocket URI (no credentials), shown as, status URI
        { $"wss://{Secret}@example.azurewebsites.net/ptvsd", "wss://example.azurewebsites.net/ptvsd", "wss://***@example.azurewebsites.net/ptvsd", "https://example.azurewebsites.net/ptvsd?format=json" },
        { $"wss://{Secret}@example.com:8443/ptvsd", "wss://example.com:8443/ptvsd", "wss://***@example.com:8443/ptvsd", "https://example.com:8443/ptvsd?format=json" },
        { $"wss://{Secret}@example.com:443/ptvsd", "wss://example.com/ptvsd", "wss://***@example.com/ptvsd", "https://example.com/ptvsd?format=json" },
        { $"ws://{Secret}@127.0.0.1:8080/ptvsd", "ws://127.0.0.1:8080/ptvsd", "ws://***@127.0.0.1:8080/ptvsd", "http://127.0.0.1:8080/ptvsd?format=json" },
        { $"ws://{Secret}@localhost/ptvsd", "ws://localhost/ptvsd", "ws://***@localhost/ptvsd", "http://localhost/ptvsd?format=json" },
        { $"ws://{Secret}@[::1]:8080/ptvsd", "ws://[::1]:8080/ptvsd", "ws://***@[::1]:8080/ptvsd", "http://[::1]:8080/ptvsd?format=json" },
        { $"{Secret}@example.azurewebsites.net", "wss://example.azurewebsites.net/ptvsd", "wss://***@example.azurewebsites.net/ptvsd", "https://example.azurewebsites.net/ptvsd?format=json" },
        { $"{Secret}@example.com:8443", "wss://example.com:8443/ptvsd", "wss://***@example.com:8443/ptvsd", "https://example.com:8443/ptvsd?format=json" },
        { $"{Secret}@example.com/ptvsd", "wss://example.com/ptvsd", "wss://***@example.com/ptvsd", "https://example.com/ptvsd?format=json" },
        { $"WSS://{Secret}@example.com/PTVSD/", "wss://example.com/ptvsd", "wss://***@example.com/ptvsd", "https://example.com/ptvsd?format=json" },
        { $"  wss://{Secret}@example.com/ptvsd\n", "wss://example.com/ptvsd", "wss://***@example.com/ptvsd", "https://example.com/ptvsd?format=json" },
    };

    public static TheoryData<string, string> BadUris => new()
    {
        { "", "is empty" },
        { "   ", "is empty" },
        { "wss://example.com/ptvsd", "has no secret: it goes before the host, as in SECRET@host" },
        { "example.com", "has no secret: it goes before the host, as in SECRET@host" },
        { "wss://@example.com/ptvsd", "has an empty secret before '@'" },
        { "wss://:password@example.com/ptvsd", "has an empty secret before '@'" },
        { $"https://{Secret}@example.com/ptvsd", "starts with https://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS)" },
        { $"http://{Secret}@example.com:8080/ptvsd", "starts with http://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS)" },
        { $"tcp://{Secret}@localhost:5678", "starts with tcp://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS)" },
        { $"wss:/{Secret}@example.com/ptvsd", "does not start with wss:// or ws:// (is a '/' missing?)" },
        { $"wss://{Secret}@example.com:99999/ptvsd", "has port '99999', which is not a TCP port (1-65535)" },
        { $"ws://{Secret}@example.com:0/ptvsd", "has port '0', which is not a TCP port (1-65535)" },
        { $"ws://{Secret}@example.com:-1/ptvsd", "has port '-1', which is not a TCP port (1-65535)" },
        { $"ws://{Secret}@example.com:http/ptvsd", "has port 'http', which is not a TCP port (1-65535)" },
        { $"ws://{Secret}@example.com:/ptvsd", "has ':' after the host but no port" },
        { $"wss://{Secret}@exa mple.com/ptvsd", "contains a space or line break (was it copied across lines?)" },
        { $"wss://{Secret[..6]} {Secret[6..]}@example.com/ptvsd", "contains a space or line break (was it copied across lines?)" },
        { $"wss://{Secret}@example.com/pt\nvsd", "contains a space or line break (was it copied across lines?)" },
        { $"wss://{Secret}@example.com/ptvsd\u0007", "contains a control character" },
        { $"wss://{Secret}é@example.com/ptvsd", "has a non-ASCII character in the secret (a typographic quote or dash from copy and paste?)" },
        { $"“wss://{Secret}@example.com/ptvsd”", "contains the non-ASCII character U+201C (a typographic quote or dash from copy and paste?)" },
        { $"wss://{Secret}@exämple.com/ptvsd", "contains the non-ASCII character U+00E4 (a typographic quote or dash from copy and paste?)" },
        { $"wss://{Secret}@example.com/ptvsd?x=1", "has a query string or fragment ('?' or '#'), which an attach URI never has" },
        { $"wss://{Secret}@example.com/ptvsd#top", "has a query string or fragment ('?' or '#'), which an attach URI never has" },
        { $"wss://{Secret}@example.com", "has no path: it ends in /ptvsd" },
        { $"wss://{Secret}@example.com/", "has no path: it ends in /ptvsd" },
        { $"wss://{Secret}@example.com/debug", "has the path '/debug': the debug endpoint is /ptvsd" },
        { $"wss://{Secret}@/ptvsd", "has no host name after '@'" },
        { $"wss://{Secret}@exa_mple!.com/ptvsd", "has 'exa_mple!.com' where the host name goes, which is not a host name" },
        { $"wss://{Secret}@[::1/ptvsd", "has an IPv6 address without its closing ']'" },
        { $"wss://{Secret}@[fe80::zz]/ptvsd", "has '[fe80::zz]', which is not an IPv6 address" },
        { $"wss://{Secret}\"<x>@example.com/ptvsd", "has a character in the secret that a URI does not allow there (percent-encode it, or copy the URI again)" },
        { $"wss://{Secret}%zz@example.com/ptvsd", "has a character in the secret that a URI does not allow there (percent-encode it, or copy the URI again)" },
        { $"wss://{Secret}{new string('x', 10 * 1024)}@example.com/ptvsd", "is 10,284 characters long; an attach URI has at most 2,048" },
    };

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public void Accepted_forms_give_the_endpoint_without_the_secret(string input, string webSocketUri, string shown, string statusUri)
    {
        var uri = AttachUriArgument.Parse(input);

        Assert.Equal(webSocketUri, uri.WebSocketUri.ToString());
        Assert.Equal(shown, uri.Display);
        Assert.Equal(shown, uri.ToString());
        Assert.Equal(statusUri, uri.StatusUri.ToString());
        Assert.Equal("Bearer " + Secret, uri.Authorization);
        Assert.DoesNotContain(Secret, uri.WebSocketUri.ToString() + uri.StatusUri + uri.DebugEndpointUri + uri.Display);
    }

    [Theory]
    [InlineData($"wss://{Secret}:any-password@example.com/ptvsd", Secret)]
    [InlineData("wss://ab%2Bcd%3Aef1234567890@example.com/ptvsd", "ab+cd:ef1234567890")]
    public void The_secret_is_sent_decoded_as_a_bearer_token_and_a_password_never(string input, string secret)
    {
        var uri = AttachUriArgument.Parse(input);

        Assert.Equal("Bearer " + secret, uri.Authorization);
        Assert.DoesNotContain("any-password", uri.Authorization);
    }

    [Theory]
    [MemberData(nameof(BadUris))]
    public void Bad_uris_are_one_line_naming_what_is_wrong_and_the_accepted_forms_without_the_secret(string input, string problem)
    {
        var error = Assert.Throws<UsageException>(() => AttachUriArgument.Parse(input));

        Assert.Equal($"the attach URI {problem}. Accepted forms: {AttachUriParser.AcceptedForms}", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
