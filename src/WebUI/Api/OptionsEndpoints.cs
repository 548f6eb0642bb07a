using System.Text.Json;
using WebUI.Api.Json;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>GET/POST /sdapi/v1/options: A1111's settings, persisted in the app database.</summary>
static class OptionsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/options", (IOptionsStore options, ApiModels models) => ApiResponses.Json(Current(options, models)))
            .Produces<Dictionary<string, object?>>().WithName("get_config");

        api.MapPost("/options", async (HttpContext http, IOptionsStore options, ApiModels models) =>
            {
                using var document = await ApiRequestBody.ReadDocumentAsync(http.Request);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new RequestValidationException(new ValidationIssue(["body"], "value is not a valid dict", "type_error.dict"));
                var body = document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                var issues = new List<ValidationIssue>();
                foreach (var (key, element) in body)
                {
                    if (!options.IsKnown(key))
                    {
                        issues.Add(new ValidationIssue(["body", key], $"unknown setting '{key}'", "value_error"));
                        continue;
                    }
                    try
                    {
                        values[key] = options.Normalize(key, ApiJobSettings.Plain(element));
                    }
                    catch (ArgumentException e)
                    {
                        issues.Add(new ValidationIssue(["body", key], e.Message, "value_error"));
                    }
                }
                if (issues.Count > 0) throw new RequestValidationException(issues);
                // A1111 checks the checkpoint before changing anything.
                if (values.TryGetValue(OptionKeys.Checkpoint, out var checkpoint) && checkpoint is string name)
                {
                    try
                    {
                        models.Resolve(name);
                    }
                    catch (Diffusion.Models.ModelNotFoundException)
                    {
                        throw new ApiHttpException(StatusCodes.Status404NotFound, $"model '{name}' not found");
                    }
                }
                options.Set(values);
                return ApiResponses.Json(null);
            })
            .Accepts<Dictionary<string, object?>>("application/json").WithName("set_config").ProducesValidation().ProducesApiError(404);
    }

    /// <summary>Every setting; sd_model_checkpoint shows the checkpoint jobs use, as its title "name [hash]".</summary>
    static List<KeyValuePair<string, object?>> Current(IOptionsStore options, ApiModels models)
    {
        var all = options.GetAll().ToList();
        int index = all.FindIndex(kv => kv.Key == OptionKeys.Checkpoint);
        if (index >= 0)
        {
            string? setting = all[index].Value as string;
            try
            {
                all[index] = new(OptionKeys.Checkpoint, models.Current(setting).Title);
            }
            catch (Diffusion.Models.ModelNotFoundException)
            {
                // A setting that names a checkpoint which has since been removed is shown as stored.
            }
        }
        return all;
    }
}
