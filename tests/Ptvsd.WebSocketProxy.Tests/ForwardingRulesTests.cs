using Microsoft.AspNetCore.Http;
using Ptvsd.WebSocketProxy.Forwarding;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>The request-target and protected-name rules on their own; the hostile-request suite drives them through Kestrel.</summary>
[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class ForwardingRulesTests
{
    [Theory]
    [InlineData("/", "/", "/")]
    [InlineData("/hello.txt?x=1&y=%2F", "/hello.txt", "/hello.txt?x=1&y=%2F")]
    [InlineData("/caf%C3%A9/a%20b", "/café/a b", "/caf%C3%A9/a%20b")]
    [InlineData("/%77eb.txt", "/web.txt", "/web.txt")]
    [InlineData("/a..b/.c/d.", "/a..b/.c/d.", "/a..b/.c/d.")]
    public void A_plain_path_is_forwarded_as_the_app_will_read_it(string rawTarget, string path, string forwarded)
    {
        var query = rawTarget.IndexOf('?') is var q and >= 0 ? new QueryString(rawTarget[q..]) : QueryString.Empty;

        Assert.True(RequestTarget.TryRead(rawTarget, new PathString(path), query, out var target, out var problem), problem);

        Assert.Equal(path, target.Path);
        Assert.Equal(forwarded, target.PathAndQuery);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5678/", "must be a path")]
    [InlineData("127.0.0.1:5678", "must be a path")]
    [InlineData("*", "must be a path")]
    [InlineData("//127.0.0.1:5678/", "starts with '//'")]
    [InlineData("/x#y", "fragment")]
    [InlineData("/x/..\\web.config", "backslash")]
    [InlineData("/.\\web.config", "backslash")]
    [InlineData("/web.config%2f", "encoded '/'")]
    [InlineData("/x%2F..%2Fweb.config", "encoded '/'")]
    [InlineData("/x%5cweb.config", "encoded '/'")]
    [InlineData("/web.config%00.txt", "NUL")]
    [InlineData("/a%zz", "'%'")]
    [InlineData("/a%4", "'%'")]
    [InlineData("/x/../web.config", "dot segment")]
    [InlineData("/./web.config", "dot segment")]
    [InlineData("/x/%2e%2e/web.config", "dot segment")]
    [InlineData("/x/.%2E/web.config", "dot segment")]
    [InlineData("/x/. ./web.config", "dot segment")]
    [InlineData("/x/...", "dot segment")]
    public void An_ambiguous_target_is_refused_with_the_reason(string rawTarget, string reason)
    {
        Assert.False(RequestTarget.TryRead(rawTarget, new PathString("/web.config"), QueryString.Empty, out _, out var problem));

        Assert.Contains(reason, problem);
    }

    [Fact]
    public void A_path_the_server_decoded_differently_from_the_target_is_refused()
    {
        Assert.False(RequestTarget.TryRead("/a%2Bb", new PathString("/a b"), QueryString.Empty, out _, out var problem));

        Assert.Contains("does not decode to one unambiguous path", problem);
    }

    [Theory]
    [InlineData("/web.config")]
    [InlineData("/WEB.CONFIG")]
    [InlineData("/Web.Debug.Config")]
    [InlineData("/sub/dir/web.config")]
    [InlineData("/web.config/x")]
    [InlineData("/web.config.")]
    [InlineData("/web.config ")]
    [InlineData("/web.config. .")]
    [InlineData("/web.config::$DATA")]
    [InlineData("/web.config:stream:$DATA")]
    [InlineData("/WEB~1.CON")]
    [InlineData("/webdeb~12.con")]
    [InlineData("/ptvsd/Ptvsd.WebSocketProxy.dll")]
    [InlineData("/PTVSD/bootstrap/sitecustomize.py")]
    [InlineData("/ptvsd./x")]
    [InlineData("/ptvsd /x")]
    [InlineData("/ptvsd::$DATA/x")]
    [InlineData("/ptvsd.")]
    public void Files_that_hold_the_verifier_or_the_proxy_are_protected_in_every_spelling(string path) =>
        Assert.True(ProtectedPaths.IsProtected(path));

    [Theory]
    [InlineData("/")]
    [InlineData("/web.configs")]
    [InlineData("/my-web.config.bak")]
    [InlineData("/static/ptvsd/x.js")]
    [InlineData("/ptvsdx/y")]
    [InlineData("/~user/index.html")]
    [InlineData("/WEB~1.TXT")]
    public void Other_paths_are_not_protected(string path) => Assert.False(ProtectedPaths.IsProtected(path));
}
