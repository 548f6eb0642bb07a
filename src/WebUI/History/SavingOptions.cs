namespace WebUI.History;

/// <summary>
/// A1111's "Saving images/grids" settings (modules/shared_options.py), same names and defaults, bound from the
/// <c>WebUI:Saving</c> section. The object is a live singleton: the settings tab may change it and the next save
/// uses the new values. Folders given here are relative to the data directory (as A1111's are to --data-dir);
/// empty per-tab folders are the A1111 names under WebUI:OutputsDir.
/// </summary>
public sealed class SavingOptions
{
    /// <summary>samples_format: png, jpg or webp (infotext in a PNG text chunk, or EXIF UserComment for JPEG/WebP).</summary>
    public string SamplesFormat { get; set; } = "png";

    /// <summary>samples_filename_pattern: empty means "[seed]" (with save_to_dirs) or "[seed]-[prompt_spaces]".</summary>
    public string SamplesFilenamePattern { get; set; } = "";

    /// <summary>save_images_add_number: prefix file names with the next 5-digit sequence number of the folder.</summary>
    public bool SaveImagesAddNumber { get; set; } = true;

    /// <summary>save_images_replace_action without numbering: "Replace" or "Add number suffix" (-1, -2, ...).</summary>
    public string SaveImagesReplaceAction { get; set; } = "Replace";

    /// <summary>grid_save: save a grid of the job's images (when there are at least two, see <see cref="GridOnlyIfMultiple"/>).</summary>
    public bool GridSave { get; set; } = true;

    /// <summary>grid_format.</summary>
    public string GridFormat { get; set; } = "png";

    /// <summary>grid_extended_filename: grids get the image pattern too instead of just grid-NNNN.</summary>
    public bool GridExtendedFilename { get; set; }

    /// <summary>grid_only_if_multiple: no grid for a single image.</summary>
    public bool GridOnlyIfMultiple { get; set; } = true;

    /// <summary>grid_prevent_empty_spots: pick a row count that divides the image count.</summary>
    public bool GridPreventEmptySpots { get; set; }

    /// <summary>n_rows: grid rows; -1 automatic (≈ √n), 0 = batch size.</summary>
    public int GridRows { get; set; } = -1;

    /// <summary>grid_background_color.</summary>
    public string GridBackgroundColor { get; set; } = "#ffffff";

    /// <summary>enable_pnginfo: embed the infotext in the files.</summary>
    public bool EnablePnginfo { get; set; } = true;

    /// <summary>jpeg_quality (1..100), also used for lossy WebP.</summary>
    public int JpegQuality { get; set; } = 80;

    /// <summary>webp_lossless.</summary>
    public bool WebpLossless { get; set; }

    /// <summary>outdir_samples: one folder for all images instead of the per-tab ones (empty = per tab).</summary>
    public string OutdirSamples { get; set; } = "";

    /// <summary>outdir_txt2img_samples: empty = &lt;outputs&gt;/txt2img-images.</summary>
    public string OutdirTxt2ImgSamples { get; set; } = "";

    /// <summary>outdir_img2img_samples: empty = &lt;outputs&gt;/img2img-images.</summary>
    public string OutdirImg2ImgSamples { get; set; } = "";

    /// <summary>outdir_grids: one folder for all grids instead of the per-tab ones (empty = per tab).</summary>
    public string OutdirGrids { get; set; } = "";

    /// <summary>outdir_txt2img_grids: empty = &lt;outputs&gt;/txt2img-grids.</summary>
    public string OutdirTxt2ImgGrids { get; set; } = "";

    /// <summary>outdir_img2img_grids: empty = &lt;outputs&gt;/img2img-grids.</summary>
    public string OutdirImg2ImgGrids { get; set; } = "";

    /// <summary>save_to_dirs: images go into a subfolder named by <see cref="DirectoriesFilenamePattern"/>.</summary>
    public bool SaveToDirs { get; set; } = true;

    /// <summary>grid_save_to_dirs.</summary>
    public bool GridSaveToDirs { get; set; } = true;

    /// <summary>directories_filename_pattern (empty means "[prompt_words]").</summary>
    public string DirectoriesFilenamePattern { get; set; } = "[date]";

    /// <summary>directories_max_prompt_words: words of [prompt_words].</summary>
    public int DirectoriesMaxPromptWords { get; set; } = 8;

    /// <summary>--filenames-max-length: each substituted part is cut to this many characters.</summary>
    public int FilenamesMaxLength { get; set; } = 128;

    /// <summary>save_txt: also write the infotext to NAME.txt next to each image.</summary>
    public bool SaveTxt { get; set; }

    /// <summary>A copy to change for one job (the API's override_settings) without touching the live settings.</summary>
    public SavingOptions Clone() => (SavingOptions)MemberwiseClone();

    /// <summary>
    /// Checks the values a user can get wrong and names the setting; the saver calls it before writing anything.
    /// </summary>
    public void Validate()
    {
        Diffusion.Imaging.PngText.ParseFormat(SamplesFormat);
        Diffusion.Imaging.PngText.ParseFormat(GridFormat);
        if (JpegQuality is < 1 or > 100)
            throw new ArgumentException($"Setting Saving:JpegQuality must be 1..100, got {JpegQuality}.");
        if (FilenamesMaxLength < 1)
            throw new ArgumentException($"Setting Saving:FilenamesMaxLength must be at least 1, got {FilenamesMaxLength}.");
        if (SaveImagesReplaceAction is not ("Replace" or "Add number suffix"))
            throw new ArgumentException($"Setting Saving:SaveImagesReplaceAction must be \"Replace\" or \"Add number suffix\", got \"{SaveImagesReplaceAction}\".");
        ImageGrid.ParseColor(GridBackgroundColor);
    }
}
