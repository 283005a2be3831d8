namespace Ptvsd.Build.Tasks.Tests;

public sealed class SecretGeneratorTests
{
    private const int Draws = 10_000;

    // Every test here that depends on chance fails by chance with a probability below this.
    private const double ChanceOfFlaking = 1e-9;

    private static readonly Lazy<string[]> Secrets = new(() => Enumerable.Range(0, Draws).Select(_ => SecretGenerator.NewSecret()).ToArray());

    [Fact]
    public void Alphabet_is_32_distinct_characters_that_a_URI_user_info_carries_unescaped()
    {
        Assert.Equal(32, SecretGenerator.Alphabet.Distinct().Count());
        Assert.All(SecretGenerator.Alphabet, c => Assert.True(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c), $"'{c}'"));
        Assert.Equal(SecretGenerator.Alphabet, Uri.EscapeDataString(SecretGenerator.Alphabet));
    }

    [Fact]
    public void Every_secret_has_the_full_length_and_only_alphabet_characters()
    {
        Assert.All(Secrets.Value, secret =>
        {
            Assert.Equal(SecretGenerator.Length, secret.Length);
            Assert.All(secret, c => Assert.Contains(c, SecretGenerator.Alphabet));
        });
    }

    [Fact]
    public void A_secret_carries_at_least_128_bits()
    {
        var bits = SecretGenerator.Length * Math.Log2(SecretGenerator.Alphabet.Length);

        Assert.True(bits >= 128, $"{bits} bits");
        Assert.True(SecretGenerator.EntropyBits >= 128);
    }

    [Fact]
    public void Ten_thousand_secrets_are_all_different()
    {
        Assert.Equal(Draws, Secrets.Value.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_character_is_about_equally_frequent_over_all_secrets()
    {
        var counts = new int[SecretGenerator.Alphabet.Length];
        foreach (var c in Secrets.Value.SelectMany(secret => secret))
        {
            counts[SecretGenerator.Alphabet.IndexOf(c)]++;
        }

        // 320,000 characters, 10,000 expected per character: the bound is about ±8.6 %.
        AssertAllNear(counts, expected: (double)Draws * SecretGenerator.Length / SecretGenerator.Alphabet.Length);
    }

    [Fact]
    public void Every_character_is_about_equally_frequent_at_every_position()
    {
        // Catches a bit-packing mistake that a count over all positions would average away.
        var counts = new int[SecretGenerator.Length * SecretGenerator.Alphabet.Length];
        foreach (var secret in Secrets.Value)
        {
            for (var position = 0; position < secret.Length; position++)
            {
                counts[(position * SecretGenerator.Alphabet.Length) + SecretGenerator.Alphabet.IndexOf(secret[position])]++;
            }
        }

        // 312.5 expected per position and character: the bound is about ±52 %, still far from a stuck or missing character.
        AssertAllNear(counts, expected: (double)Draws / SecretGenerator.Alphabet.Length);
    }

    /// <summary>
    /// Asserts every count is within the Chernoff bound of <paramref name="expected"/>. Each count is binomial with
    /// mean μ = <paramref name="expected"/>, and for 0 &lt; δ &lt; 1, P(|X − μ| ≥ δμ) ≤ 2·exp(−δ²μ/3). Solving for δ with
    /// the chance of flaking split evenly over all counts (a union bound) gives δ = √(3·ln(2k/p)/μ) for k counts, so
    /// a uniform generator fails this with probability below <see cref="ChanceOfFlaking"/>.
    /// </summary>
    private static void AssertAllNear(int[] counts, double expected)
    {
        var delta = Math.Sqrt(3 * Math.Log(2 * counts.Length / ChanceOfFlaking) / expected);
        Assert.InRange(delta, 0, 1);
        Assert.All(counts, count => Assert.InRange(count, expected * (1 - delta), expected * (1 + delta)));
    }
}
