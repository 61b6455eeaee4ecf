// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk_detrand: deterministic getrandom(2) for the processes bound to
 * one clone, while every other process on the host keeps real entropy.
 *
 * A test run that draws its randomness from getrandom() can then be
 * replayed exactly, with no LD_PRELOAD shim (which static and Go binaries
 * ignore) and without weakening the rest of the machine.
 *
 * Each bound process reads its own stream, from the start at its first
 * call: byte i of the stream is byte (i % 8), little-endian, of
 * splitmix64(seed + (i / 8 + 1) * 0x9e3779b97f4a7c15), with splitmix64 as
 * documented for SHADOWK_INJECT_PROBABILITY in uapi/linux/shadowk.h.
 *
 *	insmod shadowk_detrand.ko clone=ID seed=N
 */

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/ptrace.h>

#include <linux/shadowk.h>

static unsigned int clone;
module_param(clone, uint, 0444);
MODULE_PARM_DESC(clone, "the shadowk clone whose processes get the stream");

static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "the stream's seed");

#define DETRAND_GOLDEN	0x9e3779b97f4a7c15ULL

/* Where one process is in its stream. */
struct detrand_stream {
	struct hlist_node node;
	struct mm_struct *mm;	/* mmgrab()ed: the key cannot be reused */
	u64 pos;
};

static DEFINE_HASHTABLE(detrand_streams, 6);
static DEFINE_MUTEX(detrand_lock);
static struct shadowk_redirect *detrand_redirect;

static u64 detrand_word(u64 index)
{
	u64 z = seed + (index + 1) * DETRAND_GOLDEN;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void detrand_stream_free(struct detrand_stream *s)
{
	hash_del(&s->node);
	mmdrop(s->mm);
	kfree(s);
}

/* The caller's stream, made on its first call.  Under detrand_lock. */
static struct detrand_stream *detrand_stream_get(void)
{
	struct mm_struct *mm = current->mm;
	struct detrand_stream *s;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_possible(detrand_streams, s, node, (unsigned long)mm)
		if (s->mm == mm)
			return s;
	/* Forget processes that have exited; they never come back. */
	hash_for_each_safe(detrand_streams, bkt, tmp, s, node)
		if (!atomic_read(&s->mm->mm_users))
			detrand_stream_free(s);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->mm = mm;
	mmgrab(mm);
	hash_add(detrand_streams, &s->node, (unsigned long)mm);
	return s;
}

/* Same signature as __x64_sys_getrandom(), and the same argument checks. */
static long detrand_getrandom(const struct pt_regs *regs)
{
	char __user *ubuf = (char __user *)regs->di;
	size_t len = min_t(size_t, regs->si, MAX_RW_COUNT);
	unsigned int flags = regs->dx;
	struct detrand_stream *s;
	size_t done = 0;
	u8 chunk[64];

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) ==
	    (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;

	mutex_lock(&detrand_lock);
	s = detrand_stream_get();
	if (!s) {
		mutex_unlock(&detrand_lock);
		return -ENOMEM;
	}
	while (done < len) {
		size_t n = min(len - done, sizeof(chunk)), i;

		for (i = 0; i < n; i++) {
			u64 pos = s->pos + i;

			chunk[i] = detrand_word(pos / 8) >> (8 * (pos % 8));
		}
		if (copy_to_user(ubuf + done, chunk, n))
			break;
		s->pos += n;
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mutex_unlock(&detrand_lock);
	return done ? done : -EFAULT;
}

static int __init detrand_init(void)
{
	detrand_redirect = shadowk_redirect_register(clone,
						     "__x64_sys_getrandom",
						     detrand_getrandom);
	if (IS_ERR(detrand_redirect)) {
		pr_err("cannot redirect getrandom for clone %u (%ld)\n", clone,
		       PTR_ERR(detrand_redirect));
		return PTR_ERR(detrand_redirect);
	}
	return 0;
}

static void __exit detrand_exit(void)
{
	struct detrand_stream *s;
	struct hlist_node *tmp;
	int bkt;

	/* Waits for calls still inside detrand_getrandom(). */
	shadowk_redirect_unregister(detrand_redirect);
	hash_for_each_safe(detrand_streams, bkt, tmp, s, node)
		detrand_stream_free(s);
}

module_init(detrand_init);
module_exit(detrand_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deterministic getrandom() for one shadowk clone");
MODULE_AUTHOR("The shadowk authors");
