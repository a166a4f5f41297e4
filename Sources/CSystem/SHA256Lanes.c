// Several whole messages hashed with SHA-256 at once, their rounds
// interleaved on the CPU's SHA instructions (Intel's multi-buffer crypto
// library, Debian's libipsec-mb-dev, linked from its static archive).
//
// Why: one message's SHA-256 is a chain, each block waiting for the one
// before, and on one stream the SHA instructions are mostly waiting for
// their own results. Two independent messages fill those waits: on this
// project's machine (AMD EPYC, SHA extensions) files of 2-20 KB hash at
// 2.3-2.7 GB/s a core this way against OpenSSL's 1.3-1.5 GB/s one at a
// time. The library's own choice of code (`init_mb_mgr_auto`) takes its
// AVX-512 lanes, which do not use the SHA instructions and were slower
// than OpenSSL (1.2 GB/s), so the SSE manager, whose SHA-256 lanes are the
// SHA-extension ones, is chosen here, and only on a CPU that has them.
#include <string.h>
#include <intel-ipsec-mb.h>
#include "CSystem.h"

void *bale_sha256_lanes_create(void) {
    IMB_MGR *manager = alloc_mb_mgr(0);
    if (manager == NULL) return NULL;
    if ((manager->features & IMB_FEATURE_SHANI) == 0) {
        free_mb_mgr(manager);
        return NULL;
    }
    init_mb_mgr_sse(manager);
    if (imb_get_errno(manager) != 0) {
        free_mb_mgr(manager);
        return NULL;
    }
    return manager;
}

void bale_sha256_lanes_destroy(void *lanes) {
    if (lanes != NULL) free_mb_mgr((IMB_MGR *)lanes);
}

/// Notes a finished job: false when it did not complete.
static int completed(const IMB_JOB *job) { return job->status == IMB_STATUS_COMPLETED; }

int bale_sha256_lanes_hash(void *lanes, const uint8_t *const *messages, const uint64_t *lengths, int count,
                           uint8_t *digests) {
    IMB_MGR *manager = (IMB_MGR *)lanes;
    int finished = 0, failed = 0;
    for (int index = 0; index < count; index++) {
        IMB_JOB *job = IMB_GET_NEXT_JOB(manager);
        memset(job, 0, sizeof *job);
        job->cipher_mode = IMB_CIPHER_NULL;
        job->cipher_direction = IMB_DIR_ENCRYPT;
        job->chain_order = IMB_ORDER_HASH_CIPHER;
        job->hash_alg = IMB_AUTH_SHA_256;
        job->src = messages[index];
        job->hash_start_src_offset_in_bytes = 0;
        job->msg_len_to_hash_in_bytes = lengths[index];
        job->auth_tag_output = digests + 32 * (size_t)index;
        job->auth_tag_output_len_in_bytes = 32;
        for (job = IMB_SUBMIT_JOB(manager); job != NULL; job = IMB_GET_COMPLETED_JOB(manager)) {
            finished++;
            failed |= !completed(job);
        }
    }
    for (IMB_JOB *job = IMB_FLUSH_JOB(manager); job != NULL; job = IMB_FLUSH_JOB(manager)) {
        finished++;
        failed |= !completed(job);
    }
    return finished == count && !failed ? 0 : -1;
}
