package dev.strobe.service;

/**
 * A model folder the server found but could not load: the server serves its other models and
 * lists this one (ListModels, GET /v1/models) with the reason, so a user sees what to fix.
 *
 * @param name the manifest's model name, or the folder's name when the manifest is unreadable
 * @param folder the model folder
 * @param reason one sentence naming the folder, the file and what is wrong
 */
public record UnavailableModel(String name, String folder, String reason) {}
