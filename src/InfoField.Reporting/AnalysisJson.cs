namespace InfoField.Reporting;

/// <summary>
/// Writes an <see cref="AnalysisDocument"/> on one line, property by property (<see cref="JsonLineWriter"/>), with no
/// serializer metadata in between: the same bytes as <see cref="DocumentJson.WriteLine{T}"/> writes (the same property names and
/// order, nulls written, short numeric arrays on one line as <c>[3, 32, 32]</c>, other lists as <c>[1,2]</c>, NaN and
/// infinities as the named literals <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>; strings escaped by the
/// writer's encoder, as the serializer's are). A batch writes one per network, which is most of its bytes;
/// <c>AnalysisJsonTests</c> compares the two writers byte for byte over a sample of the NAS-Bench-201 space and the zoo.
/// </summary>
internal static class AnalysisJson
{
    private static readonly byte[] Schema = JsonLineWriter.Name("schema");
    private static readonly byte[] Model = JsonLineWriter.Name("model");
    private static readonly byte[] Source = JsonLineWriter.Name("source");
    private static readonly byte[] Dataset = JsonLineWriter.Name("dataset");
    private static readonly byte[] Width = JsonLineWriter.Name("width");
    private static readonly byte[] Input = JsonLineWriter.Name("input");
    private static readonly byte[] Alpha = JsonLineWriter.Name("alpha");
    private static readonly byte[] Frame = JsonLineWriter.Name("frame");
    private static readonly byte[] Field = JsonLineWriter.Name("field");
    private static readonly byte[] Params = JsonLineWriter.Name("params");
    private static readonly byte[] Macs = JsonLineWriter.Name("macs");
    private static readonly byte[] Stages = JsonLineWriter.Name("stages");
    private static readonly byte[] Head = JsonLineWriter.Name("head");
    private static readonly byte[] Verdicts = JsonLineWriter.Name("verdicts");
    private static readonly byte[] Index = JsonLineWriter.Name("index");
    private static readonly byte[] InputShape = JsonLineWriter.Name("inputShape");
    private static readonly byte[] OutputShape = JsonLineWriter.Name("outputShape");
    private static readonly byte[] V0 = JsonLineWriter.Name("v0");
    private static readonly byte[] OpensWithStridedUnit = JsonLineWriter.Name("opensWithStridedUnit");
    private static readonly byte[] Units = JsonLineWriter.Name("units");
    private static readonly byte[] Name = JsonLineWriter.Name("name");
    private static readonly byte[] Role = JsonLineWriter.Name("role");
    private static readonly byte[] IfH = JsonLineWriter.Name("ifH");
    private static readonly byte[] IfW = JsonLineWriter.Name("ifW");
    private static readonly byte[] IfC = JsonLineWriter.Name("ifC");
    private static readonly byte[] IfCMean = JsonLineWriter.Name("ifCMean");
    private static readonly byte[] IfCMax = JsonLineWriter.Name("ifCMax");
    private static readonly byte[] If = JsonLineWriter.Name("if");
    private static readonly byte[] DeltaIf = JsonLineWriter.Name("deltaIf");
    private static readonly byte[] ReceptiveField = JsonLineWriter.Name("receptiveField");
    private static readonly byte[] Ops = JsonLineWriter.Name("ops");
    private static readonly byte[] IfHMin = JsonLineWriter.Name("ifHMin");
    private static readonly byte[] IfWMin = JsonLineWriter.Name("ifWMin");
    private static readonly byte[] Local = JsonLineWriter.Name("local");
    private static readonly byte[] Literal = JsonLineWriter.Name("literal");
    private static readonly byte[] DeadOps = JsonLineWriter.Name("deadOps");
    private static readonly byte[] Skips = JsonLineWriter.Name("skips");
    private static readonly byte[] IfHInterior = JsonLineWriter.Name("ifHInterior");
    private static readonly byte[] IfWInterior = JsonLineWriter.Name("ifWInterior");
    private static readonly byte[] IfD = JsonLineWriter.Name("ifD");
    private static readonly byte[] IfDMin = JsonLineWriter.Name("ifDMin");
    private static readonly byte[] IfDInterior = JsonLineWriter.Name("ifDInterior");
    private static readonly byte[] Type = JsonLineWriter.Name("type");
    private static readonly byte[] Inputs = JsonLineWriter.Name("inputs");
    private static readonly byte[] Theta = JsonLineWriter.Name("theta");
    private static readonly byte[] Saturated = JsonLineWriter.Name("saturated");
    private static readonly byte[] Covered = JsonLineWriter.Name("covered");
    private static readonly byte[] PartialChannels = JsonLineWriter.Name("partialChannels");
    private static readonly byte[] Organizer = JsonLineWriter.Name("organizer");
    private static readonly byte[] Sentences = JsonLineWriter.Name("sentences");
    private static readonly byte[] GlobalContext = JsonLineWriter.Name("globalContext");
    private static readonly byte[] Stage = JsonLineWriter.Name("stage");
    private static readonly byte[] Unit = JsonLineWriter.Name("unit");
    private static readonly byte[] FromUnit = JsonLineWriter.Name("fromUnit");
    private static readonly byte[] Channels = JsonLineWriter.Name("channels");
    private static readonly byte[] LocalIf = JsonLineWriter.Name("localIf");
    private static readonly byte[] LiteralIf = JsonLineWriter.Name("literalIf");
    private static readonly byte[] Moves = JsonLineWriter.Name("moves");
    private static readonly byte[] Removals = JsonLineWriter.Name("removals");
    private static readonly byte[] FromStages = JsonLineWriter.Name("fromStages");
    private static readonly byte[] ToStages = JsonLineWriter.Name("toStages");
    private static readonly byte[] Before = JsonLineWriter.Name("before");
    private static readonly byte[] After = JsonLineWriter.Name("after");
    private static readonly byte[] ParamsBefore = JsonLineWriter.Name("paramsBefore");
    private static readonly byte[] ParamsAfter = JsonLineWriter.Name("paramsAfter");
    private static readonly byte[] MacsBefore = JsonLineWriter.Name("macsBefore");
    private static readonly byte[] MacsAfter = JsonLineWriter.Name("macsAfter");
    private static readonly byte[] StopReason = JsonLineWriter.Name("stopReason");
    private static readonly byte[] Outputs = JsonLineWriter.Name("outputs");
    private static readonly byte[] Reads = JsonLineWriter.Name("reads");
    private static readonly byte[] Shape = JsonLineWriter.Name("shape");
    private static readonly byte[] Vector = JsonLineWriter.Name("vector");
    private static readonly byte[] StrideH = JsonLineWriter.Name("strideH");
    private static readonly byte[] StrideW = JsonLineWriter.Name("strideW");
    private static readonly byte[] ReceptiveFieldH = JsonLineWriter.Name("receptiveFieldH");
    private static readonly byte[] ReceptiveFieldW = JsonLineWriter.Name("receptiveFieldW");
    private static readonly byte[] Covers = JsonLineWriter.Name("covers");
    private static readonly byte[] StrideD = JsonLineWriter.Name("strideD");
    private static readonly byte[] ReceptiveFieldD = JsonLineWriter.Name("receptiveFieldD");

    /// <summary>Writes <paramref name="document"/> as one JSON value.</summary>
    public static void Write(JsonLineWriter writer, AnalysisDocument document)
    {
        writer.WriteStartObject();
        writer.WriteString(Schema, document.Schema);
        writer.WriteString(Model, document.Model);
        writer.WriteString(Source, document.Source);
        writer.WriteString(Dataset, document.Dataset);
        Number(writer, Width, document.Width);
        Inline(writer, Input, document.Input);
        Number(writer, Alpha, document.Alpha);
        writer.WriteString(Frame, document.Frame);
        writer.WriteString(Field, document.Field);
        writer.WriteNumber(Params, document.Params);
        writer.WriteNumber(Macs, document.Macs);
        writer.WritePropertyName(Stages);
        writer.WriteStartArray();
        foreach (StageDocument stage in document.Stages)
        {
            WriteStage(writer, stage);
        }

        writer.WriteEndArray();
        writer.WritePropertyName(Head);
        writer.WriteStartObject();
        writer.WriteNumber(Params, document.Head.Params);
        writer.WriteNumber(Macs, document.Head.Macs);
        writer.WriteEndObject();
        writer.WritePropertyName(Verdicts);
        if (document.Verdicts is { } verdicts)
        {
            WriteVerdicts(writer, verdicts);
        }
        else
        {
            writer.WriteNullValue();
        }

        Objects(writer, Outputs, document.Outputs, static (writer, output) =>
        {
            writer.WriteString(Name, output.Name);
            writer.WriteNumber(Stage, output.Stage);
            writer.WriteNumber(Unit, output.Unit);
            Inline(writer, Shape, output.Shape);
            writer.WriteBoolean(Vector, output.Vector);
            Number(writer, StrideH, output.StrideH);
            Number(writer, StrideW, output.StrideW);
            writer.WriteNumber(IfH, output.IfH);
            writer.WriteNumber(IfW, output.IfW);
            writer.WriteNumber(IfC, output.IfC);
            writer.WriteNumber(IfHInterior, output.IfHInterior);
            writer.WriteNumber(IfWInterior, output.IfWInterior);
            writer.WriteNumber(ReceptiveFieldH, output.ReceptiveFieldH);
            writer.WriteNumber(ReceptiveFieldW, output.ReceptiveFieldW);
            writer.WriteBoolean(Covers, output.Covers);
            if (output.StrideD is double strideD)
            {
                Number(writer, StrideD, strideD);
            }

            Depth(writer, output.IfD, null, output.IfDInterior);
            if (output.ReceptiveFieldD is long receptiveD)
            {
                writer.WriteNumber(ReceptiveFieldD, receptiveD);
            }

            if (output.Reads is { } reads)
            {
                writer.WriteString(Reads, reads);
            }
        });
        writer.WriteEndObject();
    }

    private static void WriteStage(JsonLineWriter writer, StageDocument stage)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Index, stage.Index);
        Inline(writer, InputShape, stage.InputShape);
        Inline(writer, OutputShape, stage.OutputShape);
        writer.WriteNumber(V0, stage.V0);
        writer.WriteBoolean(OpensWithStridedUnit, stage.OpensWithStridedUnit);
        writer.WriteNumber(Params, stage.Params);
        writer.WriteNumber(Macs, stage.Macs);
        writer.WritePropertyName(Units);
        writer.WriteStartArray();
        foreach (UnitDocument unit in stage.Units)
        {
            WriteUnit(writer, unit);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteUnit(JsonLineWriter writer, UnitDocument unit)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Index, unit.Index);
        writer.WriteString(Name, unit.Name);
        writer.WriteString(Role, unit.Role);
        Inline(writer, OutputShape, unit.OutputShape);
        writer.WriteNumber(IfH, unit.IfH);
        writer.WriteNumber(IfW, unit.IfW);
        writer.WriteNumber(IfC, unit.IfC);
        Number(writer, IfCMean, unit.IfCMean);
        writer.WriteNumber(IfCMax, unit.IfCMax);
        writer.WriteNumber(If, unit.If);
        Number(writer, DeltaIf, unit.DeltaIf);
        Inline(writer, ReceptiveField, unit.ReceptiveField);
        writer.WriteNumber(Params, unit.Params);
        writer.WriteNumber(Macs, unit.Macs);
        writer.WritePropertyName(Ops);
        writer.WriteStartArray();
        foreach (OpDocument op in unit.Ops)
        {
            WriteOp(writer, op);
        }

        writer.WriteEndArray();
        writer.WriteNumber(IfHMin, unit.IfHMin);
        writer.WriteNumber(IfWMin, unit.IfWMin);
        WriteFactors(writer, Local, unit.Local);
        WriteFactors(writer, Literal, unit.Literal);
        List(writer, DeadOps, unit.DeadOps);
        writer.WriteNumber(IfHInterior, unit.IfHInterior);
        writer.WriteNumber(IfWInterior, unit.IfWInterior);
        if (unit.Skips is { } skips)
        {
            writer.WritePropertyName(Skips);
            writer.WriteStartArray();
            foreach (SkipDocument skip in skips)
            {
                writer.WriteStartObject();
                writer.WriteNumber(Stage, skip.Stage);
                writer.WriteNumber(Unit, skip.Unit);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        Depth(writer, unit.IfD, unit.IfDMin, unit.IfDInterior);
        writer.WriteEndObject();
    }

    private static void WriteOp(JsonLineWriter writer, OpDocument op)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Index, op.Index);
        writer.WriteString(Type, op.Type);
        List(writer, Inputs, op.Inputs);
        Inline(writer, OutputShape, op.OutputShape);
        writer.WriteNumber(IfH, op.IfH);
        writer.WriteNumber(IfW, op.IfW);
        writer.WriteNumber(IfC, op.IfC);
        writer.WriteNumber(If, op.If);
        writer.WriteNumber(IfHMin, op.IfHMin);
        writer.WriteNumber(IfWMin, op.IfWMin);
        writer.WriteNumber(IfCMax, op.IfCMax);
        WriteFactors(writer, Local, op.Local);
        WriteFactors(writer, Literal, op.Literal);
        writer.WriteNumber(IfHInterior, op.IfHInterior);
        writer.WriteNumber(IfWInterior, op.IfWInterior);
        Depth(writer, op.IfD, op.IfDMin, op.IfDInterior);
        writer.WriteEndObject();
    }

    /// <summary>Opens a factors object and writes the members both kinds of factors begin with, in their order.</summary>
    private static void Factors(JsonLineWriter writer, int ifH, int ifHMin, int ifW, int ifWMin, int ifC, double ifCMean, int ifCMax, long @if)
    {
        writer.WriteStartObject();
        writer.WriteNumber(IfH, ifH);
        writer.WriteNumber(IfHMin, ifHMin);
        writer.WriteNumber(IfW, ifW);
        writer.WriteNumber(IfWMin, ifWMin);
        writer.WriteNumber(IfC, ifC);
        Number(writer, IfCMean, ifCMean);
        writer.WriteNumber(IfCMax, ifCMax);
        writer.WriteNumber(If, @if);
    }

    private static void WriteFactors(JsonLineWriter writer, byte[] name, FactorsDocument? factors)
    {
        writer.WritePropertyName(name);
        if (factors is null)
        {
            writer.WriteNullValue();
            return;
        }

        // Ops share their factors' documents (FactorsDocument.From): each document's JSON is written once and copied after.
        if (writer.TryWriteKept(factors))
        {
            return;
        }

        JsonLineWriter.Mark start = writer.Here();
        Factors(writer, factors.IfH, factors.IfHMin, factors.IfW, factors.IfWMin, factors.IfC, factors.IfCMean, factors.IfCMax, factors.If);
        writer.WriteNumber(IfHInterior, factors.IfHInterior);
        writer.WriteNumber(IfWInterior, factors.IfWInterior);
        Depth(writer, factors.IfD, factors.IfDMin, factors.IfDInterior);
        writer.WriteEndObject();
        writer.Keep(factors, start);
    }

    private static void WriteFactors(JsonLineWriter writer, byte[] name, UnitFactorsDocument? factors)
    {
        writer.WritePropertyName(name);
        if (factors is null)
        {
            writer.WriteNullValue();
            return;
        }

        Factors(writer, factors.IfH, factors.IfHMin, factors.IfW, factors.IfWMin, factors.IfC, factors.IfCMean, factors.IfCMax, factors.If);
        Number(writer, DeltaIf, factors.DeltaIf);
        Depth(writer, factors.IfD, factors.IfDMin, null);
        writer.WriteEndObject();
    }

    /// <summary>The depth factors of a 3-D network's tensor, each written only when present (the serializer leaves out nulls there).</summary>
    private static void Depth(JsonLineWriter writer, int? ifD, int? ifDMin, int? ifDInterior)
    {
        if (ifD is int d)
        {
            writer.WriteNumber(IfD, d);
        }

        if (ifDMin is int min)
        {
            writer.WriteNumber(IfDMin, min);
        }

        if (ifDInterior is int interior)
        {
            writer.WriteNumber(IfDInterior, interior);
        }
    }

    private static void WriteVerdicts(JsonLineWriter writer, VerdictsDocument verdicts)
    {
        writer.WriteStartObject();
        Number(writer, Theta, verdicts.Theta);
        Objects(writer, Saturated, verdicts.Saturated, static (writer, unit) =>
        {
            writer.WriteNumber(Stage, unit.Stage);
            writer.WriteNumber(Unit, unit.Unit);
            writer.WriteString(Name, unit.Name);
            Number(writer, DeltaIf, unit.DeltaIf);
        });
        Objects(writer, Covered, verdicts.Covered, static (writer, stage) =>
        {
            writer.WriteNumber(Stage, stage.Stage);
            writer.WriteNumber(FromUnit, stage.FromUnit);
            writer.WriteNumber(Units, stage.Units);
            Inline(writer, InputShape, stage.InputShape);
        });
        Objects(writer, PartialChannels, verdicts.PartialChannels, static (writer, unit) =>
        {
            writer.WriteNumber(Stage, unit.Stage);
            writer.WriteNumber(Unit, unit.Unit);
            writer.WriteString(Name, unit.Name);
            writer.WriteNumber(IfC, unit.IfC);
            writer.WriteNumber(Channels, unit.Channels);
        });
        writer.WritePropertyName(Organizer);
        if (verdicts.Organizer is { } outlook)
        {
            writer.WriteStartObject();
            writer.WriteNumber(Moves, outlook.Moves);
            writer.WriteNumber(Removals, outlook.Removals);
            List(writer, FromStages, outlook.FromStages);
            List(writer, ToStages, outlook.ToStages);
            List(writer, Before, outlook.Before);
            List(writer, After, outlook.After);
            writer.WriteNumber(ParamsBefore, outlook.ParamsBefore);
            writer.WriteNumber(ParamsAfter, outlook.ParamsAfter);
            writer.WriteNumber(MacsBefore, outlook.MacsBefore);
            writer.WriteNumber(MacsAfter, outlook.MacsAfter);
            writer.WriteString(StopReason, outlook.StopReason);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName(Sentences);
        if (verdicts.Sentences is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartArray();
            foreach (string sentence in verdicts.Sentences)
            {
                writer.WriteStringValue(sentence);
            }

            writer.WriteEndArray();
        }

        writer.WriteString(Field, verdicts.Field);
        Objects(writer, GlobalContext, verdicts.GlobalContext, static (writer, unit) =>
        {
            writer.WriteNumber(Stage, unit.Stage);
            writer.WriteNumber(Unit, unit.Unit);
            writer.WriteString(Name, unit.Name);
            writer.WriteNumber(LocalIf, unit.LocalIf);
            writer.WriteNumber(LiteralIf, unit.LiteralIf);
        });
        writer.WriteEndObject();
    }

    /// <summary>A list of objects, each written by <paramref name="members"/> between its braces (null as null).</summary>
    private static void Objects<T>(JsonLineWriter writer, byte[] name, IReadOnlyList<T>? items, Action<JsonLineWriter, T> members)
        where T : class
    {
        writer.WritePropertyName(name);
        if (items is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (T item in items)
        {
            if (item is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            members(writer, item);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>A list of numbers as the serializer writes a collection: <c>[1,2]</c> (null as null).</summary>
    private static void List(JsonLineWriter writer, byte[] name, IReadOnlyList<int>? values)
    {
        writer.WritePropertyName(name);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        for (int i = 0; i < values.Count; i++)
        {
            // By index: an enumerator of the interface would be one more object per list.
            writer.WriteNumberValue(values[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>A short array on one line, as <see cref="InlineIntArrayConverter"/> writes it.</summary>
    private static void Inline(JsonLineWriter writer, byte[] name, int[]? values)
    {
        writer.WritePropertyName(name);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteInline(values);
    }

    /// <summary>A short array on one line, as <see cref="InlineLongArrayConverter"/> writes it.</summary>
    private static void Inline(JsonLineWriter writer, byte[] name, long[]? values)
    {
        writer.WritePropertyName(name);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteInline(values);
    }

    private static void Number(JsonLineWriter writer, byte[] name, double? value)
    {
        if (value is double number)
        {
            Number(writer, name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>A number, or with <see cref="System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals"/> its named literal as a string.</summary>
    private static void Number(JsonLineWriter writer, byte[] name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
