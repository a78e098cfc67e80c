/* The procedural generator's Vulkan side: a fullscreen fragment pass into an
 * offscreen image, copied to a host buffer. Drawn smaller than the frame (on
 * a CPU), a second pass (resolve.frag) builds the full-size frame from the
 * drawn one's samples (one pixel of each grid cell) and the frames before it. A fragment shader rather than a
 * compute one: on lavapipe it is the faster of the two (platform.md).
 *
 * One frame in flight: render, wait, hand back the pixels. On lavapipe the
 * "GPU" is the same two cores, so overlapping frames would not add speed.
 * A frame is drawn in horizontal bands, one submit each, so a frame whose
 * scene was superseded stops at the next band instead of holding the new
 * scene's first frame back for a whole frame. */
#include "procedural_vk.h"

#include "mz_error.h"
#include "mz_gpu_util.h"

#include "fullscreen_vert.h"
#include "landscape_frag.h"
#include "resolve_frag.h"

#include <stdlib.h>
#include <string.h>

#define FORMAT VK_FORMAT_R8G8B8A8_UNORM
#define BANDS 4

/* A pass's set layout, pipeline layout and descriptor pool (make_sets). */
typedef struct pass_sets {
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkDescriptorPool pool;
} pass_sets;

struct proc_vk {
    mz_gpu *gpu;
    VkDevice dev;
    VkRenderPass pass;      /* the first band: the image's old contents are not needed */
    VkRenderPass pass_keep; /* later bands: the bands drawn before stay */
    VkPipeline pipeline[2]; /* [0] outdoors (room code compiled out), [1] rooms */
    pass_sets main;
    VkDescriptorSet set;
    VkSampler sampler;
    VkCommandPool cmd_pool;
    VkCommandBuffer cmd;
    VkFence fence;
    mz_gpu_buffer uniforms;

    mz_gpu_image target; /* drawn at the internal size */
    VkFramebuffer framebuffer;
    mz_gpu_buffer readback;

    /* Temporal upsampling, when the internal size is smaller: resolve.frag
     * builds the frame into history[at ^ 1] from the target and history[at]. */
    VkRenderPass resolve_pass;
    pass_sets resolve;
    VkPipeline resolve_pipeline;
    VkDescriptorSet resolve_set[2]; /* [i] reads history[i] */
    mz_gpu_buffer resolve_params;
    mz_gpu_image history[2];
    VkFramebuffer history_fb[2];
    VkImageLayout history_layout[2];
    int at;             /* the history holding the last frame */
    bool history_valid; /* it holds a frame of the current size */

    mz_gpu_image cond;
    mz_gpu_buffer staging;
    bool cond_dirty; /* staging holds pixels not yet copied to cond */
};

static bool vk_ok(VkResult r, const char *what)
{
    return r == VK_SUCCESS ? true : mz_fail("procedural: %s failed (VkResult %d)", what, r);
}

/* Host buffers: `read_back` prefers memory that is fast to read from
 * (invalidated after each frame if it is not coherent). */
static bool buffer_create(proc_vk *vk, mz_gpu_buffer *b, VkDeviceSize size,
                          VkBufferUsageFlags usage, bool read_back, const char *name)
{
    return mz_gpu_buffer_create(vk->gpu, b, size, usage,
                                read_back ? VK_MEMORY_PROPERTY_HOST_CACHED_BIT
                                          : VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                name);
}

/* Both passes leave the image ready to copy from; `initial` is the layout
 * the image is in before (UNDEFINED discards its contents). */
static bool create_pass(proc_vk *vk, VkImageLayout initial, VkRenderPass *out)
{
    VkSubpassDependency deps[2] = {
        {/* the previous frame's copy reads the image before this frame writes it */
         .srcSubpass = VK_SUBPASS_EXTERNAL,
         .dstSubpass = 0,
         .srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
         .dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT},
        {/* the copy to the readback buffer waits for the drawing */
         .srcSubpass = 0,
         .dstSubpass = VK_SUBPASS_EXTERNAL,
         .srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
         .dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
         .srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT},
    };
    return mz_gpu_color_pass(vk->gpu, FORMAT, initial, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, deps,
                             2, out);
}

/* A pass's descriptor plumbing: the set layout for `types` (one descriptor
 * each, fragment stage), a pipeline layout with it, and `count` sets from
 * a pool of their own. */
static bool make_sets(proc_vk *vk, const VkDescriptorType *types, uint32_t n, uint32_t count,
                      pass_sets *out, VkDescriptorSet *sets)
{
    VkDescriptorSetLayoutBinding bindings[4];
    VkDescriptorPoolSize sizes[4];
    for (uint32_t i = 0; i < n; i++) {
        bindings[i] =
            (VkDescriptorSetLayoutBinding){i, types[i], 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL};
        sizes[i] = (VkDescriptorPoolSize){types[i], count};
    }
    VkDescriptorSetLayoutCreateInfo set_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = n,
        .pBindings = bindings,
    };
    if (!vk_ok(vkCreateDescriptorSetLayout(vk->dev, &set_info, NULL, &out->set_layout),
               "vkCreateDescriptorSetLayout"))
        return false;
    VkPipelineLayoutCreateInfo layout_info = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &out->set_layout,
    };
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = count,
        .poolSizeCount = n,
        .pPoolSizes = sizes,
    };
    if (!vk_ok(vkCreatePipelineLayout(vk->dev, &layout_info, NULL, &out->layout),
               "vkCreatePipelineLayout") ||
        !vk_ok(vkCreateDescriptorPool(vk->dev, &pool, NULL, &out->pool), "vkCreateDescriptorPool"))
        return false;
    VkDescriptorSetLayout layouts[2] = {out->set_layout, out->set_layout};
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = out->pool,
        .descriptorSetCount = count,
        .pSetLayouts = layouts,
    };
    return vk_ok(vkAllocateDescriptorSets(vk->dev, &alloc, sets), "vkAllocateDescriptorSets");
}

static void destroy_sets(proc_vk *vk, pass_sets *p)
{
    if (p->pool) vkDestroyDescriptorPool(vk->dev, p->pool, NULL);
    if (p->layout) vkDestroyPipelineLayout(vk->dev, p->layout, NULL);
    if (p->set_layout) vkDestroyDescriptorSetLayout(vk->dev, p->set_layout, NULL);
}

static bool create_pipeline(proc_vk *vk)
{
    static const VkDescriptorType types[2] = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                              VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER};
    if (!make_sets(vk, types, 2, 1, &vk->main, &vk->set)) return false;

    static const char *const names[2] = {"procedural outdoors", "procedural rooms"};
    for (VkBool32 rooms = 0; rooms < 2; rooms++) {
        VkSpecializationMapEntry entry = {.constantID = 0, .offset = 0, .size = sizeof rooms};
        VkSpecializationInfo spec = {
            .mapEntryCount = 1, .pMapEntries = &entry, .dataSize = sizeof rooms, .pData = &rooms};
        if (!mz_gpu_fullscreen_pipeline(vk->gpu, vk->main.layout, vk->pass, fullscreen_vert,
                                        sizeof fullscreen_vert, landscape_frag,
                                        sizeof landscape_frag, &spec, &vk->pipeline[rooms]))
            return false;
        mz_gpu_name(vk->gpu, VK_OBJECT_TYPE_PIPELINE, (uint64_t)vk->pipeline[rooms], names[rooms]);
    }
    return true;
}

static bool create_resolve(proc_vk *vk)
{
    static const VkDescriptorType types[3] = {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                                              VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                                              VK_DESCRIPTOR_TYPE_STORAGE_BUFFER};
    if (!make_sets(vk, types, 3, 2, &vk->resolve, vk->resolve_set) ||
        !create_pass(vk, VK_IMAGE_LAYOUT_UNDEFINED, &vk->resolve_pass) ||
        !mz_gpu_fullscreen_pipeline(vk->gpu, vk->resolve.layout, vk->resolve_pass, fullscreen_vert,
                                    sizeof fullscreen_vert, resolve_frag, sizeof resolve_frag, NULL,
                                    &vk->resolve_pipeline) ||
        !buffer_create(vk, &vk->resolve_params, sizeof(proc_resolve),
                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, false, "procedural resolve params"))
        return false;
    mz_gpu_name(vk->gpu, VK_OBJECT_TYPE_PIPELINE, (uint64_t)vk->resolve_pipeline,
                "procedural resolve");
    return true;
}

/* One descriptor of `set`: an image (with the sampler) or a buffer. */
static void write_set(proc_vk *vk, VkDescriptorSet set, uint32_t binding, VkDescriptorType type,
                      const VkDescriptorImageInfo *image, const VkDescriptorBufferInfo *buffer)
{
    VkWriteDescriptorSet write = {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = set,
        .dstBinding = binding,
        .descriptorCount = 1,
        .descriptorType = type,
        .pImageInfo = image,
        .pBufferInfo = buffer,
    };
    vkUpdateDescriptorSets(vk->dev, 1, &write, 0, NULL);
}

static bool make_framebuffer(proc_vk *vk, VkRenderPass pass, VkImageView view, uint32_t w,
                             uint32_t h, VkFramebuffer *out)
{
    VkFramebufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
        .renderPass = pass,
        .attachmentCount = 1,
        .pAttachments = &view,
        .width = w,
        .height = h,
        .layers = 1,
    };
    return vk_ok(vkCreateFramebuffer(vk->dev, &info, NULL, out), "vkCreateFramebuffer");
}

/* Points the resolve sets at the targets of the current size. */
static void write_resolve_sets(proc_vk *vk)
{
    for (int i = 0; i < 2; i++) {
        VkDescriptorImageInfo images[2] = {
            {vk->sampler, vk->target.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
            {vk->sampler, vk->history[i].view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
        };
        VkDescriptorBufferInfo params = {vk->resolve_params.buffer, 0, sizeof(proc_resolve)};
        for (uint32_t b = 0; b < 2; b++)
            write_set(vk, vk->resolve_set[i], b, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                      &images[b], NULL);
        write_set(vk, vk->resolve_set[i], 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NULL, &params);
    }
}

/* The sampler, and the main set's uniforms (the conditioning image is set
 * by proc_vk_set_conditioning). */
static bool create_descriptors(proc_vk *vk)
{
    if (!mz_gpu_linear_sampler(vk->gpu, &vk->sampler)) return false;
    VkDescriptorBufferInfo ubo = {vk->uniforms.buffer, 0, sizeof(proc_uniforms)};
    write_set(vk, vk->set, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NULL, &ubo);
    return true;
}

static bool create_commands(proc_vk *vk)
{
    VkCommandPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = mz_gpu_queue_family(vk->gpu),
    };
    if (!vk_ok(vkCreateCommandPool(vk->dev, &pool, NULL, &vk->cmd_pool), "vkCreateCommandPool"))
        return false;
    VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = vk->cmd_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    return vk_ok(vkAllocateCommandBuffers(vk->dev, &alloc, &vk->cmd), "vkAllocateCommandBuffers") &&
           vk_ok(vkCreateFence(vk->dev, &fence, NULL, &vk->fence), "vkCreateFence");
}

proc_vk *proc_vk_create(mz_gpu *gpu)
{
    proc_vk *vk = calloc(1, sizeof *vk);
    if (!vk) {
        mz_fail("procedural: out of memory");
        return NULL;
    }
    vk->gpu = gpu;
    vk->dev = mz_gpu_device(gpu);
    static const uint8_t black[4] = {0, 0, 0, 255};
    if (!buffer_create(vk, &vk->uniforms, sizeof(proc_uniforms), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                       false, "procedural uniforms") ||
        !create_pass(vk, VK_IMAGE_LAYOUT_UNDEFINED, &vk->pass) ||
        !create_pass(vk, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, &vk->pass_keep) ||
        !create_pipeline(vk) || !create_descriptors(vk) || !create_resolve(vk) ||
        !create_commands(vk) || !proc_vk_set_conditioning(vk, black, 1, 1)) {
        proc_vk_destroy(vk);
        return NULL;
    }
    return vk;
}

static void destroy_target(proc_vk *vk)
{
    if (vk->framebuffer) vkDestroyFramebuffer(vk->dev, vk->framebuffer, NULL);
    vk->framebuffer = VK_NULL_HANDLE;
    for (int i = 0; i < 2; i++) {
        if (vk->history_fb[i]) vkDestroyFramebuffer(vk->dev, vk->history_fb[i], NULL);
        vk->history_fb[i] = VK_NULL_HANDLE;
        mz_gpu_image_destroy(vk->gpu, &vk->history[i]);
        vk->history_layout[i] = VK_IMAGE_LAYOUT_UNDEFINED;
    }
    vk->history_valid = false;
    mz_gpu_image_destroy(vk->gpu, &vk->target);
    mz_gpu_buffer_destroy(vk->gpu, &vk->readback);
}

void proc_vk_destroy(proc_vk *vk)
{
    if (!vk) return;
    destroy_target(vk);
    mz_gpu_image_destroy(vk->gpu, &vk->cond);
    mz_gpu_buffer_destroy(vk->gpu, &vk->staging);
    mz_gpu_buffer_destroy(vk->gpu, &vk->uniforms);
    mz_gpu_buffer_destroy(vk->gpu, &vk->resolve_params);
    if (vk->resolve_pipeline) vkDestroyPipeline(vk->dev, vk->resolve_pipeline, NULL);
    destroy_sets(vk, &vk->resolve);
    if (vk->resolve_pass) vkDestroyRenderPass(vk->dev, vk->resolve_pass, NULL);
    if (vk->fence) vkDestroyFence(vk->dev, vk->fence, NULL);
    if (vk->cmd_pool) vkDestroyCommandPool(vk->dev, vk->cmd_pool, NULL);
    if (vk->sampler) vkDestroySampler(vk->dev, vk->sampler, NULL);
    for (int i = 0; i < 2; i++)
        if (vk->pipeline[i]) vkDestroyPipeline(vk->dev, vk->pipeline[i], NULL);
    destroy_sets(vk, &vk->main);
    if (vk->pass) vkDestroyRenderPass(vk->dev, vk->pass, NULL);
    if (vk->pass_keep) vkDestroyRenderPass(vk->dev, vk->pass_keep, NULL);
    free(vk);
}

static bool make_target(proc_vk *vk, uint32_t w, uint32_t h, uint32_t iw, uint32_t ih)
{
    destroy_target(vk);
    bool scaled = iw != w || ih != h;
    VkImageUsageFlags full = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                             VK_IMAGE_USAGE_SAMPLED_BIT;
    if (!mz_gpu_image_create(vk->gpu, &vk->target, iw, ih, FORMAT, full, "procedural target") ||
        !buffer_create(vk, &vk->readback, (VkDeviceSize)w * h * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                       true, "procedural readback"))
        return false;
    for (int i = 0; scaled && i < 2; i++)
        if (!mz_gpu_image_create(vk->gpu, &vk->history[i], w, h, FORMAT, full,
                                 "procedural history") ||
            !make_framebuffer(vk, vk->resolve_pass, vk->history[i].view, w, h, &vk->history_fb[i]))
            return false;
    if (scaled) write_resolve_sets(vk);
    return make_framebuffer(vk, vk->pass, vk->target.view, iw, ih, &vk->framebuffer);
}

bool proc_vk_set_conditioning(proc_vk *vk, const uint8_t *rgba, uint32_t w, uint32_t h)
{
    VkDeviceSize bytes = (VkDeviceSize)w * h * 4;
    if (vk->staging.size < bytes) {
        mz_gpu_buffer_destroy(vk->gpu, &vk->staging);
        if (!buffer_create(vk, &vk->staging, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, false,
                           "procedural conditioning staging"))
            return false;
    }
    if (vk->cond.width != w || vk->cond.height != h) {
        mz_gpu_image_destroy(vk->gpu, &vk->cond);
        if (!mz_gpu_image_create(vk->gpu, &vk->cond, w, h, FORMAT,
                                 VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                 "procedural conditioning"))
            return false;
        VkDescriptorImageInfo img = {vk->sampler, vk->cond.view,
                                     VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        write_set(vk, vk->set, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &img, NULL);
    }
    memcpy(vk->staging.map, rgba, (size_t)bytes);
    vk->cond_dirty = true;
    return true;
}

static void record_conditioning_upload(proc_vk *vk)
{
    mz_gpu_image_barrier(vk->cmd, &(mz_gpu_barrier_desc){
                                      .image = vk->cond.image,
                                      .from = VK_IMAGE_LAYOUT_UNDEFINED,
                                      .to = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                      .src_access = VK_ACCESS_SHADER_READ_BIT,
                                      .dst_access = VK_ACCESS_TRANSFER_WRITE_BIT,
                                      .src_stage = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                      .dst_stage = VK_PIPELINE_STAGE_TRANSFER_BIT,
                                  });
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {vk->cond.width, vk->cond.height, 1},
    };
    vkCmdCopyBufferToImage(vk->cmd, vk->staging.buffer, vk->cond.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    mz_gpu_image_barrier(vk->cmd, &(mz_gpu_barrier_desc){
                                      .image = vk->cond.image,
                                      .from = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                      .to = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                                      .src_access = VK_ACCESS_TRANSFER_WRITE_BIT,
                                      .dst_access = VK_ACCESS_SHADER_READ_BIT,
                                      .src_stage = VK_PIPELINE_STAGE_TRANSFER_BIT,
                                      .dst_stage = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                  });
}

/* Builds the full-size frame into the other history image (resolve.frag)
 * and leaves it ready to copy from. */
static void record_resolve(proc_vk *vk)
{
    int read = vk->at, write = vk->at ^ 1;
    VkImageLayout ro = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    mz_gpu_image_barrier(vk->cmd, &(mz_gpu_barrier_desc){
                                      .image = vk->target.image,
                                      .from = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                      .to = ro,
                                      .src_access = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                                      .dst_access = VK_ACCESS_SHADER_READ_BIT,
                                      .src_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                                      .dst_stage = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                  });
    for (int i = 0; i < 2; i++) {
        /* Both in the layout their descriptors name (the one written is
         * then drawn over from UNDEFINED). */
        if (vk->history_layout[i] == ro) continue;
        mz_gpu_image_barrier(vk->cmd, &(mz_gpu_barrier_desc){
                                          .image = vk->history[i].image,
                                          .from = vk->history_layout[i],
                                          .to = ro,
                                          .src_access = VK_ACCESS_TRANSFER_READ_BIT,
                                          .dst_access = VK_ACCESS_SHADER_READ_BIT,
                                          .src_stage = VK_PIPELINE_STAGE_TRANSFER_BIT,
                                          .dst_stage = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                      });
        vk->history_layout[i] = ro;
    }
    VkExtent2D full = {vk->history[write].width, vk->history[write].height};
    mz_gpu_begin_fullscreen(vk->cmd, vk->resolve_pass, vk->history_fb[write], full,
                            (VkRect2D){{0, 0}, full}, vk->resolve_pipeline);
    vkCmdBindDescriptorSets(vk->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vk->resolve.layout, 0, 1,
                            &vk->resolve_set[read], 0, NULL);
    vkCmdDraw(vk->cmd, 3, 1, 0, 0);
    vkCmdEndRenderPass(vk->cmd);
    vk->history_layout[write] = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    vk->at = write;
}

/* Ends the command buffer, submits it and waits for it. */
static bool submit_and_wait(proc_vk *vk)
{
    if (!vk_ok(vkEndCommandBuffer(vk->cmd), "vkEndCommandBuffer")) return false;
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &vk->cmd,
    };
    mz_gpu_queue_lock(vk->gpu);
    VkResult r = vkQueueSubmit(mz_gpu_queue(vk->gpu), 1, &submit, vk->fence);
    mz_gpu_queue_unlock(vk->gpu);
    if (!vk_ok(r, "vkQueueSubmit")) return false;
    r = vkWaitForFences(vk->dev, 1, &vk->fence, VK_TRUE, UINT64_MAX);
    vkResetFences(vk->dev, 1, &vk->fence);
    return vk_ok(r, "vkWaitForFences");
}

bool proc_vk_render(proc_vk *vk, const proc_uniforms *u, const proc_resolve *rs, uint32_t w,
                    uint32_t h, uint32_t iw, uint32_t ih, const atomic_bool *stop,
                    const uint8_t **out)
{
    *out = NULL;
    bool scaled = iw != w || ih != h;
    bool remade = vk->target.width != iw || vk->target.height != ih ||
                  vk->readback.size != (VkDeviceSize)w * h * 4 ||
                  (scaled && (vk->history[0].width != w || vk->history[0].height != h)) ||
                  (!scaled && vk->history[0].image);
    if (remade && !make_target(vk, w, h, iw, ih)) return false;
    memcpy(vk->uniforms.map, u, sizeof *u);
    if (scaled) {
        proc_resolve r = *rs;
        r.size[0] = (float)w;
        r.size[1] = (float)h;
        r.size[2] = (float)iw;
        r.size[3] = (float)ih;
        if (!vk->history_valid) r.mode[0] = 1; /* nothing to build on: start over */
        memcpy(vk->resolve_params.map, &r, sizeof r);
    }

    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    uint32_t bands = ih < BANDS ? 1 : BANDS;
    for (uint32_t band = 0; band < bands; band++) {
        /* A frame that remade the targets is finished: the last frame's
         * pixels went with the old readback buffer. */
        if (band > 0 && !remade && atomic_load(stop)) return true;
        uint32_t y0 = ih * band / bands, y1 = ih * (band + 1) / bands;
        VkRect2D area = {{0, (int32_t)y0}, {iw, y1 - y0}};
        if (!vk_ok(vkBeginCommandBuffer(vk->cmd, &begin), "vkBeginCommandBuffer")) return false;
        if (vk->cond_dirty) record_conditioning_upload(vk);
        mz_gpu_begin_fullscreen(vk->cmd, band ? vk->pass_keep : vk->pass, vk->framebuffer,
                                (VkExtent2D){iw, ih}, area, vk->pipeline[proc_draws_room(u)]);
        vkCmdBindDescriptorSets(vk->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, vk->main.layout, 0, 1,
                                &vk->set, 0, NULL);
        vkCmdDraw(vk->cmd, 3, 1, 0, 0);
        vkCmdEndRenderPass(vk->cmd);
        if (band == bands - 1) {
            if (scaled) record_resolve(vk);
            mz_gpu_record_readback(vk->cmd, scaled ? vk->history[vk->at].image : vk->target.image,
                                   w, h, vk->readback.buffer);
        }
        if (!submit_and_wait(vk)) return false;
        vk->cond_dirty = false;
    }
    vk->history_valid = scaled;
    if (!vk->readback.coherent) {
        VkMappedMemoryRange range = {
            .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
            .memory = vk->readback.memory,
            .size = VK_WHOLE_SIZE,
        };
        vkInvalidateMappedMemoryRanges(vk->dev, 1, &range);
    }
    *out = vk->readback.map;
    return true;
}
