using Ptvsd.WebSocketProxy.Authentication;

namespace Ptvsd.WebSocketProxy.Tests;

[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class CredentialsTests
{
    [Theory]
    [InlineData("Basic c2VjcmV0LXZhbHVlLTAxMjM0NTY3OjpwYXNz", "secret-value-01234567")] // "secret-value-01234567::pass"
    [InlineData("basic c2VjcmV0LXZhbHVlLTAxMjM0NTY3", "secret-value-01234567")] // no colon: all of it is the user name
    [InlineData("Bearer secret-value-01234567", "secret-value-01234567")]
    [InlineData("Basic c2VjcmV0JTJEdmFsdWU6", "secret-value")] // percent-encoded user info
    public void Reads_the_secret_from_basic_user_name_or_bearer_token(string header, string secret)
    {
        var credentials = Credentials.FromAuthorizationHeader(header);

        Assert.Equal(CredentialsKind.Present, credentials.Kind);
        Assert.Equal(secret, credentials.Secret);
    }

    [Theory]
    [InlineData("Basic !!!", "not valid base64")]
    [InlineData("Basic Og==", "user name (the secret) is empty")]
    [InlineData("Negotiate abc", "use HTTP Basic")]
    [InlineData("Bearer", "Bearer token is empty")]
    public void Malformed_headers_say_what_is_wrong_without_quoting_them(string header, string problem)
    {
        var credentials = Credentials.FromAuthorizationHeader(header);

        Assert.Equal(CredentialsKind.Malformed, credentials.Kind);
        Assert.Contains(problem, credentials.Problem);
        Assert.Null(credentials.Secret);
    }

    [Fact]
    public void A_secret_matches_only_itself_and_never_prints()
    {
        Assert.True(DebugSecret.TryCreate("0123456789abcdef0123", out var secret, out _));

        Assert.True(secret.Matches("0123456789abcdef0123"));
        Assert.False(secret.Matches("0123456789abcdef012"));
        Assert.False(secret.Matches("0123456789abcdef01234"));
        Assert.False(secret.Matches(""));
        Assert.Equal("***", secret.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    public void Missing_or_weak_secrets_close_the_relay_with_a_reason(string? value)
    {
        Assert.False(DebugSecret.TryCreate(value, out _, out var problem));
        Assert.Contains("WSGI_PTVSD_SECRET", problem);
    }
}
