using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// What the proxy forwards to the app: only plain origin-form paths, and never a file that holds the secret or the
/// proxy itself. Every request is sent as raw bytes (HttpClient would normalise the path first) to a proxy in front of
/// an app that would really serve the file (<see cref="GuardedSite"/>).
/// </summary>
public sealed class RequestTargetTests(ITestOutputHelper output)
{
    /// <summary>Method, target and Host of requests whose target is not a plain path; {proxy}, {debug} and {other} are filled in.</summary>
    public static TheoryData<string, string, string> TargetsThatAreNotPlainPaths => new()
    {
        // Absolute-form and authority-form name a host of their own: forwarded, they would reach it instead of the app.
        { "GET", "http://{other}/", "{other}" },
        { "GET", "http://{debug}/", "{debug}" },
        { "GET", "http://{proxy}/hello.txt", "{proxy}" },
        { "CONNECT", "{other}", "{other}" },
        { "CONNECT", "{debug}", "{debug}" },

        // A network-path reference: resolved against the app's URL it is another host, and so is /\host to URL parsers.
        { "GET", "//{other}/", "{proxy}" },
        { "GET", "//{debug}/hello.txt", "{proxy}" },
        { "GET", "/\\{other}/", "{proxy}" },

        // Separators the proxy would see one way and a Windows host another.
        { "GET", "/static\\hello.txt", "{proxy}" },
        { "GET", "/static%2Fhello.txt", "{proxy}" },
        { "GET", "/static%2fhello.txt", "{proxy}" },
        { "GET", "/static%5Chello.txt", "{proxy}" },
        { "GET", "/static%5chello.txt", "{proxy}" },
        { "GET", "/web.config%2f", "{proxy}" },

        // A NUL ends a name for C string functions: web.config%00.txt is web.config to them.
        { "GET", "/hello.txt%00", "{proxy}" },
        { "GET", "/web.config%00.txt", "{proxy}" },

        // Dot segments, raw, with a backslash or encoded: whatever resolves them last decides which file is served.
        { "GET", "/x/../web.config", "{proxy}" },
        { "GET", "/./web.config", "{proxy}" },
        { "GET", "/x/..\\web.config", "{proxy}" },
        { "GET", "/x/%2e%2e/web.config", "{proxy}" },
        { "GET", "/x/.%2E/web.config", "{proxy}" },
        { "GET", "/.\\web.config", "{proxy}" },
        { "GET", "/x/../hello.txt", "{proxy}" },
        { "GET", "/ptvsd/../web.config", "{proxy}" },

        // A fragment is the client's own business and never part of a request.
        { "GET", "/hello.txt#top", "{proxy}" },
        { "GET", "/web.config#", "{proxy}" },
    };

    public static TheoryData<string> ProtectedNames => new()
    {
        "/web.config",
        "/WEB.CONFIG",
        "/Web.Config",
        "/web.debug.config",
        "/static/web.config",
        "/web.config/",

        // Spellings a Windows file system opens as the same file.
        "/web.config.",
        "/web.config%20",
        "/web.config.%20.",
        "/web.debug.config..",
        "/web.config::$DATA",
        "/web.config:x:$DATA",
        "/web.config%3A%3A$DATA",
        "/WEB~1.CON",
        "/web~1.con",
        "/WEBDEB~1.CON",
        "/%77eb.config",
        "/web%2Econfig",

        // The proxy's own folder, whatever is asked for in it.
        "/ptvsd/Ptvsd.WebSocketProxy.dll",
        "/ptvsd/bootstrap/sitecustomize.py",
        "/PTVSD/bootstrap/sitecustomize.py",
        "/ptvsd./Ptvsd.WebSocketProxy.dll",
        "/ptvsd%20/x",
        "/ptvsd::$INDEX_ALLOCATION/x",
        "/ptvsd/BOOTST~1/SITECU~1.PY",
        "/ptvsd/x",
        "/ptvsd/no-such-file",
    };

    [Theory]
    [MemberData(nameof(TargetsThatAreNotPlainPaths))]
    public async Task Targets_that_are_not_plain_paths_are_refused_with_400_before_anything_is_forwarded(string method, string target, string host)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        var response = await site.GetAsync(target, ct, method, host);

        Assert.True(response.Status == 400, $"expected 400 for {method} {site.Expand(target)}, got:\n{response}");
        await site.AssertNothingGotPastAsync(response, ct);
    }

    [Theory]
    [MemberData(nameof(ProtectedNames))]
    public async Task Files_that_hold_the_secret_or_the_proxy_are_not_found_in_any_spelling(string target)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        var response = await site.GetAsync(target, ct);

        Assert.True(response.Status == 404, $"expected 404 for {target}, got:\n{response}");
        await site.AssertNothingGotPastAsync(response, ct);
    }

    [Theory]
    [InlineData("/ptvsd")]
    [InlineData("/ptvsd/")]
    [InlineData("/PTVSD")]
    [InlineData("/ptvsd?format=json")]
    public async Task The_proxys_own_endpoint_is_answered_by_the_proxy_and_never_by_the_app(string target)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        var response = await site.GetAsync(target, ct);

        Assert.True(response.Status == 200, $"expected the status page for {target}, got:\n{response}");
        Assert.Contains("Cache-Control: no-store", response.Head, StringComparison.OrdinalIgnoreCase);
        await site.AssertNothingGotPastAsync(response, ct);
    }

    [Theory]
    [InlineData("/hello.txt", "hello.txt")]
    [InlineData("/HELLO.TXT", "hello.txt")]
    [InlineData("/hello.txt?next=%2Fhome%2F..%2Fx", "hello.txt")]
    [InlineData("/static/site.css?v=1", "static/site.css")]
    [InlineData("/ptvsd-notes.txt", "ptvsd-notes.txt")]
    [InlineData("/web.config.txt", "web.config.txt")]
    public async Task Ordinary_paths_reach_the_app_exactly_as_sent_and_get_its_file(string target, string file)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        var response = await site.GetAsync(target, ct);

        Assert.True(response.Status == 200, $"expected the app's file for {target}, got:\n{response}");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(site.Root, file), ct), response.Body);
        var received = Assert.Single(site.App.Requests);
        Assert.Equal("GET", received.Method);
        Assert.Equal(target, received.Target);
        Assert.Equal(0, site.DebugServer.AcceptedCount);
        Assert.Equal(0, site.OtherHost.AcceptedCount);
    }

    [Fact]
    public async Task The_test_app_really_serves_the_protected_files_it_is_asked_for()
    {
        // The assertions above mean something only if the app behind the proxy would leak: asked directly, it does.
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        foreach (var target in new[] { "/web.config", "/x/%2e%2e/WEB~1.CON", "/web.config::$DATA", "/ptvsd./bootstrap/sitecustomize.py", "/web.config%00.txt", "/.\\web.config." })
        {
            var direct = await RawHttpExchange.SendAsync(site.App.BaseUri, $"GET {target} HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n", ct);
            Assert.True(direct.Status == 200, $"the app should serve {target} when asked directly, got:\n{direct}");
            Assert.Contains(GuardedSite.ProtectedMarker, direct.Body, StringComparison.Ordinal);
        }
    }
}
