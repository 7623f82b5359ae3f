using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>A few SGD steps of cross-entropy training on one fixed batch, for tests that compare or watch losses.</summary>
internal static class SgdSteps
{
    /// <summary>Trains <paramref name="module"/> for <paramref name="steps"/> steps on (<paramref name="images"/>, <paramref name="labels"/>) and returns each step's loss.</summary>
    public static float[] Run(nn.Module<Tensor, Tensor> module, Tensor images, Tensor labels, int steps, double learningRate, double momentum = 0.9, double weightDecay = 0)
    {
        using var optimizer = optim.SGD(module.parameters(), learningRate, momentum: momentum, weight_decay: weightDecay);
        var losses = new float[steps];
        module.train();
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(module.call(images), labels);
            loss.backward();
            optimizer.step();
            losses[step] = loss.item<float>();
        }

        return losses;
    }
}
