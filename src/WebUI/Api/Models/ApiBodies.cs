using System.Text.Json.Serialization;

namespace WebUI.Api.Models;

/// <summary>POST /sdapi/v1/png-info.</summary>
public sealed class PngInfoApiRequest
{
    [JsonPropertyName("image"), JsonPropertyOrder(0)] public string? Image { get; set; } = "";
}

// Response shapes, for the OpenAPI document (the handlers write the same keys with Python's number forms).

public sealed record ImageResponse(
    [property: JsonPropertyName("images")] IReadOnlyList<string> Images,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, object?> Parameters,
    [property: JsonPropertyName("info")] string Info);

public sealed record ProgressState(
    [property: JsonPropertyName("skipped")] bool Skipped,
    [property: JsonPropertyName("interrupted")] bool Interrupted,
    [property: JsonPropertyName("stopping_generation")] bool StoppingGeneration,
    [property: JsonPropertyName("job")] string Job,
    [property: JsonPropertyName("job_count")] int JobCount,
    [property: JsonPropertyName("job_timestamp")] string JobTimestamp,
    [property: JsonPropertyName("job_no")] int JobNo,
    [property: JsonPropertyName("sampling_step")] int SamplingStep,
    [property: JsonPropertyName("sampling_steps")] int SamplingSteps);

public sealed record ProgressResponse(
    [property: JsonPropertyName("progress")] double Progress,
    [property: JsonPropertyName("eta_relative")] double EtaRelative,
    [property: JsonPropertyName("state")] ProgressState State,
    [property: JsonPropertyName("current_image")] string? CurrentImage,
    [property: JsonPropertyName("textinfo")] string? Textinfo);

public sealed record SamplerItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("options")] IReadOnlyDictionary<string, string> Options);

public sealed record SchedulerItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string>? Aliases,
    [property: JsonPropertyName("default_rho")] double DefaultRho,
    [property: JsonPropertyName("need_inner_model")] bool NeedInnerModel);

public sealed record SdModelItem(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("config")] string? Config);

public sealed record SdVaeItem(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("filename")] string Filename);

public sealed record PngInfoResponse(
    [property: JsonPropertyName("info")] string Info,
    [property: JsonPropertyName("items")] IReadOnlyDictionary<string, string> Items,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, object?> Parameters);

public sealed record PromptStyleItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prompt")] string? Prompt,
    [property: JsonPropertyName("negative_prompt")] string? NegativePrompt);

public sealed record UpscalerItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("model_name")] string? ModelName,
    [property: JsonPropertyName("model_path")] string? ModelPath,
    [property: JsonPropertyName("model_url")] string? ModelUrl,
    [property: JsonPropertyName("scale")] double? Scale);

public sealed record EmbeddingsResponse(
    [property: JsonPropertyName("loaded")] IReadOnlyDictionary<string, object?> Loaded,
    [property: JsonPropertyName("skipped")] IReadOnlyDictionary<string, object?> Skipped);

public sealed record ValidationErrorItem(
    [property: JsonPropertyName("loc")] IReadOnlyList<object> Loc,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("type")] string Type);

public sealed record HttpValidationError([property: JsonPropertyName("detail")] IReadOnlyList<ValidationErrorItem> Detail);

public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("errors")] string Errors);
