/* Test programs only: dlclose() that keeps the module mapped.
 *
 * The Vulkan loader unloads the driver (lavapipe, with LLVM) and layers at
 * vkDestroyInstance. LeakSanitizer reports at exit, when those modules are
 * gone, so their known leaks show as "<unknown module>" and tests/lsan.supp
 * cannot match them by name. Defined in the executable, this dlclose wins
 * over libc's for every library of the process; nothing of ours is ever
 * unloaded, so no leak of ours is hidden. */
int dlclose(void *handle);

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
