using Ptvsd.Contract;

namespace Ptvsd.Attach.Tests;

public sealed class TypedTextTests
{
    [Theory]
    [InlineData("/debug", "'/debug'")]
    [InlineData("a\u001b[2Jb\n", "'a?[2Jb?'")]
    [InlineData("0123456789012345678901234567890123456789", "'0123456789012345678901234567890123456789'")]
    [InlineData("01234567890123456789012345678901234567890", "'0123456789012345678901234567890123456...'")]
    public void Quotes_what_cannot_hold_the_secret_cut_and_without_control_characters(string typed, string quoted)
    {
        Assert.Equal(quoted, TypedText.Quote(typed));
    }

    [Theory]
    [InlineData("m3vq8xk2tw9pz4rb7ndc@example.com")]
    [InlineData("/ptvsdwss://m3vq8xk2tw9pz4rb7ndc@example.com/ptvsd")]
    [InlineData("ws://example.com")]
    public void Describes_what_looks_like_an_attach_uri_instead_of_quoting_it(string typed)
    {
        Assert.Equal(TypedText.NotShown, TypedText.Quote(typed));
    }
}
