using System.Globalization;

namespace InfoField.Torch.Data;

/// <summary>Per-channel mean and standard deviation of pixel values scaled to [0, 1]; a batch is normalized as (x - mean) / std.</summary>
/// <param name="Mean">Per channel.</param>
/// <param name="Std">Per channel.</param>
public sealed record Normalization(IReadOnlyList<double> Mean, IReadOnlyList<double> Std)
{
    /// <summary>The paper's CIFAR constants (section 5): mean (0.491, 0.482, 0.446), std (0.247, 0.243, 0.261).</summary>
    public static Normalization Cifar { get; } = new([0.491, 0.482, 0.446], [0.247, 0.243, 0.261]);

    /// <summary>Fashion-MNIST: mean 0.2860, std 0.3530, the statistics of its 60,000 28x28 training images.</summary>
    public static Normalization FashionMnist { get; } = new([0.2860], [0.3530]);

    /// <summary>MNIST: mean 0.1307, std 0.3081, the statistics of its 60,000 28x28 training images.</summary>
    public static Normalization Mnist { get; } = new([0.1307], [0.3081]);

    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Count;

    /// <summary>Equal when the constants are equal.</summary>
    public bool Equals(Normalization? other) => other is not null && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mean.Count, Mean.FirstOrDefault(), Std.FirstOrDefault());

    /// <summary>Reads like <c>mean (0.286) std (0.353)</c>.</summary>
    public override string ToString() =>
        $"mean ({string.Join(", ", Mean.Select(v => v.ToString(CultureInfo.InvariantCulture)))}) std ({string.Join(", ", Std.Select(v => v.ToString(CultureInfo.InvariantCulture)))})";
}
