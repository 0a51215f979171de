package dev.formwork.cli;

/** Build facts the CLI reports. */
final class FormworkInfo {
    static final String VERSION = dev.formwork.exporters.FormworkVersion.VERSION;

    private FormworkInfo() {}
}
