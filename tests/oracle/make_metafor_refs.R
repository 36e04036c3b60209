# Reference values from R's metafor for the Evident statistics engine.
#
# Usage (from the repository root; needs R with metafor and jsonlite, e.g.
# Debian's r-base-core r-cran-metafor r-cran-jsonlite):
#
#     Rscript tests/oracle/make_metafor_refs.R tests/fixtures/metafor
#
# The second argument picks the set of cases: "main" (the default: every case
# made with Debian 12's metafor 3.8-1) or "mixed" (SMCRH and mixed parallel /
# within-person designs). The "mixed" set needs metafor >= 4.5-8: earlier
# versions multiply the SMCRH sampling variance by the squared bias correction,
# which metafor dropped in 4.5-8 "for consistency" (see SOURCES.md), e.g.
#
#     R_LIBS=/path/to/metafor-4.8-0 Rscript tests/oracle/make_metafor_refs.R \
#         tests/fixtures/metafor mixed
#
# Writes one JSON file per dataset. Every result is stored beside the input
# data and the exact R expression that produced it (each expression is run
# with eval(parse(text = call)), so the recorded call is the one executed).
# Synthetic datasets are generated here with fixed seeds and are labelled
# "synthetic": true; they are not study data.
#
# All iterative fits use a tight convergence criterion so that both metafor
# and our engine report converged values:
#     control = list(threshold = t, maxiter = 1000, tol = t)
# with t = 1e-12 * min(1, mean(vi)). metafor's criterion is absolute; scaling it
# by the sampling variances keeps it tight for effect sizes with small variances
# (e.g. risk differences), where 1e-12 alone leaves ~1e-9 relative error in H^2.

suppressMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "tests/fixtures/metafor"
set <- if (length(args) >= 2) args[2] else "main"
if (!set %in% c("main", "mixed")) stop("the second argument must be 'main' or 'mixed'")
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

ctrl <- function(vi) {
  t <- signif(1e-12 * min(1, mean(vi, na.rm = TRUE)), 3)
  sprintf("control=list(threshold=%s, maxiter=1000, tol=%s)", format(t), format(t))
}
METHODS <- c("FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB")

run <- function(call, env) {
  eval(parse(text = call), envir = env)
}

num <- function(x) {
  x <- as.numeric(x)
  x[is.infinite(x)] <- NA
  x
}

fit_record <- function(res, call, env) {
  pred <- predict(res)
  list(
    call = call,
    method = res$method, test = res$test, k = res$k,
    estimate = num(res$beta), se = num(res$se), zval = num(res$zval),
    pval = num(res$pval), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
    tau2 = num(res$tau2), I2 = num(res$I2), H2 = num(res$H2),
    QE = num(res$QE), QEp = num(res$QEp),
    pi_lb = num(pred$pi.lb), pi_ub = num(pred$pi.ub),
    weights = num(weights(res))
  )
}

uni_fits <- function(env) {
  fits <- list()
  for (m in METHODS) {
    for (t in c("z", "knha")) {
      call <- sprintf("rma(yi, vi, data=dat, method=\"%s\", test=\"%s\", %s)", m, t,
                      ctrl(env$dat$vi))
      res <- suppressWarnings(run(call, env))
      fits[[length(fits) + 1]] <- fit_record(res, call, env)
    }
  }
  fits
}

extras <- function(env, methods = c("REML", "DL", "FE"), bias = TRUE) {
  out <- list(confint = list(), leave1out = list(), influence = list(), trimfill = list())
  k <- nrow(env$dat)
  for (m in methods) {
    for (t in c("z", "knha")) {
      fcall <- sprintf("rma(yi, vi, data=dat, method=\"%s\", test=\"%s\", %s)", m, t,
                       ctrl(env$dat$vi))
      env$res <- suppressWarnings(run(fcall, env))
      if (k >= 2) {
        call <- "leave1out(res)"
        l1o <- suppressWarnings(run(call, env))
        out$leave1out[[length(out$leave1out) + 1]] <- list(
          fit_call = fcall, call = call,
          estimate = num(l1o$estimate), se = num(l1o$se),
          zval = num(if (is.null(l1o$zval)) l1o$tval else l1o$zval),
          pval = num(l1o$pval), ci_lb = num(l1o$ci.lb), ci_ub = num(l1o$ci.ub),
          QE = num(l1o$Q), QEp = num(l1o$Qp), tau2 = num(l1o$tau2),
          I2 = num(l1o$I2), H2 = num(l1o$H2)
        )
      }
      if (t == "z" && m != "FE" && k >= 2) {
        call <- sprintf("confint(res, control=list(tol=%s, maxiter=1000))",
                        format(signif(1e-12 * min(1, mean(env$dat$vi, na.rm = TRUE)), 3)))
        ci <- suppressWarnings(run(call, env))
        out$confint[[length(out$confint) + 1]] <- list(
          fit_call = fcall, call = call,
          tau2 = num(ci$random["tau^2", ]), tau = num(ci$random["tau", ]),
          I2 = num(ci$random["I^2(%)", ]), H2 = num(ci$random["H^2", ])
        )
      }
      if (k >= 3) {
        call <- "influence(res)"
        inf <- suppressWarnings(run(call, env))
        out$influence[[length(out$influence) + 1]] <- list(
          fit_call = fcall, call = call,
          rstudent = num(inf$inf$rstudent), dffits = num(inf$inf$dffits),
          cook_d = num(inf$inf$cook.d), cov_r = num(inf$inf$cov.r),
          tau2_del = num(inf$inf$tau2.del), QE_del = num(inf$inf$QE.del),
          hat = num(inf$inf$hat), weight = num(inf$inf$weight),
          dfbs = num(inf$dfbs$intrcpt), inf = as.logical(inf$is.infl)
        )
      }
      if (bias && t == "z" && k >= 3) {
        call <- sprintf("trimfill(res, %s)", ctrl(env$dat$vi))
        tf <- suppressWarnings(run(call, env))
        out$trimfill[[length(out$trimfill) + 1]] <- list(
          fit_call = fcall, call = call, k0 = tf$k0, side = tf$side, se_k0 = num(tf$se.k0),
          estimate = num(tf$beta), se = num(tf$se), ci_lb = num(tf$ci.lb), ci_ub = num(tf$ci.ub),
          tau2 = num(tf$tau2), yi = num(tf$yi), vi = num(tf$vi), fill = as.logical(tf$fill)
        )
      }
    }
  }
  if (bias && k >= 3) {
    env$res <- run(sprintf("rma(yi, vi, data=dat, method=\"FE\", %s)", ctrl(env$dat$vi)), env)
    call <- "regtest(res, model=\"lm\", predictor=\"sei\")"
    rt <- run(call, env)
    out$regtest <- list(call = call, zval = num(rt$zval), pval = num(rt$pval), dfs = rt$dfs,
                        est = num(rt$est), ci_lb = num(rt$ci.lb), ci_ub = num(rt$ci.ub))
    call <- "ranktest(res)"
    rk <- suppressWarnings(run(call, env))
    out$ranktest <- list(call = call, tau = num(rk$tau), pval = num(rk$pval))
  }
  out
}

escalc_record <- function(env, call) {
  dat <- run(call, env)
  env$dat <- dat
  list(call = call, yi = num(dat$yi), vi = num(dat$vi))
}

write_case <- function(case) {
  case$metafor_version <- as.character(packageVersion("metafor"))
  case$R_version <- R.version.string
  path <- file.path(outdir, paste0(case$id, ".json"))
  writeLines(toJSON(case, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE), path)
  cat("wrote", path, "\n")
}

# ---- binary data ---------------------------------------------------------
binary_case <- function(id, source, synthetic, input, measures, subgroup = NULL,
                        mh = TRUE, drop00_variant = FALSE) {
  env <- new.env()
  env$raw <- as.data.frame(input)
  case <- list(id = id, source = source, synthetic = synthetic, kind = "binary",
               input = input, measures = list())
  for (meas in measures) {
    env$dat <- NULL
    rec <- list(measure = meas)
    rec$escalc <- escalc_record(env, sprintf(
      "escalc(measure=\"%s\", ai=events_t, n1i=n_t, ci=events_c, n2i=n_c, data=raw)", meas))
    rec$fits <- uni_fits(env)
    rec$extras <- extras(env)
    if (drop00_variant) {
      e2 <- new.env(); e2$raw <- env$raw
      rec$escalc_drop00 <- escalc_record(e2, sprintf(
        "escalc(measure=\"%s\", ai=events_t, n1i=n_t, ci=events_c, n2i=n_c, data=raw, drop00=TRUE)", meas))
    }
    if (mh) {
      call <- sprintf("rma.mh(ai=events_t, n1i=n_t, ci=events_c, n2i=n_c, data=raw, measure=\"%s\")", meas)
      r <- suppressWarnings(run(call, env))
      rec$mh <- list(call = call, estimate = num(r$beta), se = num(r$se), zval = num(r$zval),
                     pval = num(r$pval), ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub),
                     QE = num(r$QE), QEp = num(r$QEp), I2 = num(r$I2), H2 = num(r$H2),
                     k_yi = r$k.yi, weights = num(weights(r)),
                     leave1out = loo_record(r))
    }
    if (mh && meas == "OR") {
      call <- "rma.peto(ai=events_t, n1i=n_t, ci=events_c, n2i=n_c, data=raw)"
      r <- suppressWarnings(run(call, env))
      rec$peto <- list(call = call, estimate = num(r$beta), se = num(r$se), zval = num(r$zval),
                       pval = num(r$pval), ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub),
                       QE = num(r$QE), QEp = num(r$QEp), I2 = num(r$I2), H2 = num(r$H2),
                       k_yi = r$k.yi, weights = num(weights(r)),
                       leave1out = loo_record(r))
      e2 <- new.env(); e2$raw <- env$raw
      rec$escalc_peto <- escalc_record(e2,
        "escalc(measure=\"PETO\", ai=events_t, n1i=n_t, ci=events_c, n2i=n_c, data=raw)")
    }
    if (!is.null(subgroup)) rec$subgroups <- subgroup_record(env, subgroup)
    case$measures[[length(case$measures) + 1]] <- rec
  }
  write_case(case)
}

# leave1out() of an rma.mh / rma.peto fit: each study left out in turn, refitted.
loo_record <- function(r) {
  l <- suppressWarnings(leave1out(r))
  list(call = "leave1out(r)", estimate = num(l$estimate), se = num(l$se), zval = num(l$zval),
       pval = num(l$pval), ci_lb = num(l$ci.lb), ci_ub = num(l$ci.ub), Q = num(l$Q),
       Qp = num(l$Qp), I2 = num(l$I2), H2 = num(l$H2))
}

subgroup_record <- function(env, column) {
  out <- list()
  for (m in c("REML", "DL")) {
    for (t in c("z", "knha")) {
      groups <- list()
      levs <- unique(as.character(env$dat[[column]]))
      est <- c(); ses <- c()
      for (g in levs) {
        env$g <- g
        call <- sprintf("rma(yi, vi, data=dat, subset=(%s == g), method=\"%s\", test=\"%s\", %s)",
                        column, m, t, ctrl(env$dat$vi))
        r <- suppressWarnings(run(call, env))
        groups[[g]] <- list(call = call, k = r$k, estimate = num(r$beta), se = num(r$se),
                            ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub), tau2 = num(r$tau2),
                            I2 = num(r$I2), pval = num(r$pval))
        est <- c(est, r$beta); ses <- c(ses, r$se)
      }
      env$sg <- data.frame(est = est, se = ses)
      call <- "rma(est, sei=se, data=sg, method=\"FE\")"
      r <- run(call, env)
      out[[length(out) + 1]] <- list(method = m, test = t, column = column, groups = groups,
                                     between_call = call, Q_between = num(r$QE),
                                     Q_between_df = r$k - 1, Q_between_p = num(r$QEp))
    }
  }
  out
}

# ---- continuous and generic data -----------------------------------------
continuous_case <- function(id, source, synthetic, input, measures = c("MD", "SMD")) {
  env <- new.env()
  env$raw <- as.data.frame(input)
  case <- list(id = id, source = source, synthetic = synthetic, kind = "continuous",
               input = input, measures = list())
  for (meas in measures) {
    rec <- list(measure = meas)
    rec$escalc <- escalc_record(env, sprintf(
      "escalc(measure=\"%s\", m1i=mean_t, sd1i=sd_t, n1i=n_t, m2i=mean_c, sd2i=sd_c, n2i=n_c, data=raw)", meas))
    rec$fits <- uni_fits(env)
    rec$extras <- extras(env)
    case$measures[[length(case$measures) + 1]] <- rec
  }
  write_case(case)
}

paired_case <- function(id, source, input, r_common = NULL,
                        measures = c("MC", "SMCC", "SMCR")) {
  env <- new.env()
  env$raw <- as.data.frame(input)
  case <- list(id = id, source = source, synthetic = TRUE, kind = "paired",
               input = input, r_common = r_common, measures = list())
  rexpr <- if (is.null(r_common)) "r" else sprintf("rep(%s, nrow(raw))", format(r_common))
  for (meas in measures) {
    rec <- list(measure = meas)
    rec$escalc <- escalc_record(env, sprintf(
      "escalc(measure=\"%s\", m1i=mean_t, sd1i=sd_t, m2i=mean_c, sd2i=sd_c, ni=n, ri=%s, data=raw)",
      meas, rexpr))
    rec$fits <- uni_fits(env)
    rec$extras <- extras(env, methods = c("REML"), bias = FALSE)
    case$measures[[length(case$measures) + 1]] <- rec
  }
  write_case(case)
}

generic_case <- function(id, source, synthetic, yi, vi, study, bias = TRUE) {
  env <- new.env()
  env$dat <- data.frame(yi = yi, vi = vi)
  input <- list(study = study, yi = yi, vi = vi)
  rec <- list(measure = "GEN", escalc = list(call = "data.frame(yi, vi)", yi = num(yi), vi = num(vi)))
  rec$fits <- uni_fits(env)
  rec$extras <- extras(env, bias = bias)
  write_case(list(id = id, source = source, synthetic = synthetic, kind = "generic",
                  input = input, measures = list(rec)))
}

# ---- mixed designs: parallel and within-person studies on one scale -------
# Cochrane Handbook ch. 23: parallel studies give MD (or SMD, Hedges' g),
# within-person studies MC (or SMCRH, raw-score standardised), computed by
# escalc() on each design and bound together with rbind() in the input order.
# Within-person studies that report no r get the review's assumed r.
mixed_escalc_call <- function(meas, wmeas, r_assumed) {
  paste0(
    "dat <- rbind(",
    sprintf("escalc(measure=\"%s\", m1i=mean_t, sd1i=sd_t, n1i=n_t, m2i=mean_c, sd2i=sd_c, n2i=n_c, data=raw, subset=(design == \"parallel\")), ", meas),
    sprintf("escalc(measure=\"%s\", m1i=mean_t, sd1i=sd_t, m2i=mean_c, sd2i=sd_c, ni=n, ri=ifelse(is.na(r), %s, r), data=raw, subset=(design == \"within\"))); ", wmeas, format(r_assumed)),
    "dat[match(raw$study, dat$study), ]")
}

mixed_case <- function(id, source, input, r_assumed, sensitivity = c(0.2, 0.5, 0.8)) {
  env <- new.env()
  env$raw <- as.data.frame(input)
  within <- env$raw$design == "within"
  case <- list(id = id, source = source, synthetic = TRUE, kind = "mixed",
               input = input, r_assumed = r_assumed, measures = list())
  for (meas in c("MD", "SMD")) {
    wmeas <- if (meas == "MD") "MC" else "SMCRH"
    rec <- list(measure = meas, within_measure = wmeas)
    rec$escalc <- escalc_record(env, mixed_escalc_call(meas, wmeas, r_assumed))
    rec$escalc$r_used <- num(ifelse(within, ifelse(is.na(env$raw$r), r_assumed, env$raw$r), NA))
    rec$fits <- uni_fits(env)
    rec$extras <- extras(env, methods = c("REML", "DL"), bias = FALSE)
    rec$sensitivity <- list()
    for (rv in sensitivity) {
      e2 <- new.env(); e2$raw <- env$raw
      es <- escalc_record(e2, mixed_escalc_call(meas, wmeas, rv))
      fits <- list()
      for (m in c("REML", "DL")) {
        for (t in c("z", "knha")) {
          call <- sprintf("rma(yi, vi, data=dat, method=\"%s\", test=\"%s\", %s)", m, t,
                          ctrl(e2$dat$vi))
          fits[[length(fits) + 1]] <- fit_record(suppressWarnings(run(call, e2)), call, e2)
        }
      }
      rec$sensitivity[[length(rec$sensitivity) + 1]] <- list(r = rv, escalc = es, fits = fits)
    }
    case$measures[[length(case$measures) + 1]] <- rec
  }
  write_case(case)
}

if (set == "mixed") {
  if (packageVersion("metafor") < "4.5.8")
    stop("the mixed set needs metafor >= 4.5-8 (SMCRH variance), found ", packageVersion("metafor"))

  # SMCRH next to MC, SMCC and SMCR on the split-body data of the main set (seed 7).
  set.seed(7)
  k <- 8
  nn <- sample(12:60, k)
  sdt <- round(runif(k, 2, 5), 3); sdc <- round(runif(k, 2, 5), 3)
  paired_input <- list(study = sprintf("Pair %d", 1:k), n = nn,
    mean_t = round(rnorm(k, 5, 1), 3), sd_t = sdt, mean_c = round(rnorm(k, 4, 1), 3), sd_c = sdc,
    r = round(runif(k, 0.2, 0.8), 3))
  paired_case("synthetic_paired_smcrh", "synthetic: seed 7, split-body designs, r per study",
    paired_input, measures = c("MC", "SMCC", "SMCR", "SMCRH"))
  paired_case("synthetic_paired_smcrh_r_common",
    "synthetic: seed 7, split-body designs, review-wide r = 0.5",
    paired_input, r_common = 0.5, measures = c("SMCRH"))

  # Small samples (n = 3 upwards, where the bias correction matters most), unequal
  # SDs on the two sides, and negative, zero and high correlations.
  set.seed(23)
  k <- 7
  paired_case("synthetic_paired_smcrh_small_n",
    "synthetic: seed 23, small split-body studies, unequal SDs, r from -0.3 to 0.95",
    list(study = sprintf("Small %d", 1:k), n = c(3, 4, 5, 6, 8, 10, 14),
         mean_t = round(rnorm(k, 12, 2), 2), sd_t = round(runif(k, 1, 3), 2),
         mean_c = round(rnorm(k, 10, 2), 2), sd_c = round(runif(k, 2, 6), 2),
         r = c(-0.3, 0, 0.95, 0.4, 0.6, 0.2, 0.8)),
    measures = c("MC", "SMCRH"))

  # Parallel and within-person trials interleaved; two within-person trials report no r.
  set.seed(14)
  design <- c("parallel", "within", "parallel", "parallel", "within", "parallel",
              "within", "parallel", "within", "parallel")
  k <- length(design)
  par <- design == "parallel"
  nt <- ifelse(par, sample(20:100, k), NA); nc <- ifelse(par, sample(20:100, k), NA)
  nw <- ifelse(par, NA, sample(10:40, k))
  mixed_case("synthetic_mixed_k10",
    "synthetic: seed 14, six parallel and four within-person (split-body) trials; two report no r",
    list(study = sprintf("Mix %d", 1:k), design = design, n_t = nt, n_c = nc, n = nw,
         mean_t = round(rnorm(k, 24, 2), 2), sd_t = round(runif(k, 4, 8), 2),
         mean_c = round(rnorm(k, 21, 2), 2), sd_c = round(runif(k, 4, 8), 2),
         r = c(NA, 0.62, NA, NA, NA, NA, 0.48, NA, NA, NA)),
    r_assumed = 0.5)

  # Three trials: one parallel, two small within-person ones (one with a negative r,
  # one without r).
  mixed_case("synthetic_mixed_k3",
    "synthetic: one parallel and two small within-person trials; one reports no r",
    list(study = c("Face A", "Face B", "Arm C"), design = c("within", "within", "parallel"),
         n_t = c(NA, NA, 30), n_c = c(NA, NA, 28), n = c(9, 14, NA),
         mean_t = c(3.1, 2.4, 3.0), sd_t = c(1.1, 0.9, 1.4),
         mean_c = c(4.0, 2.9, 3.6), sd_c = c(1.6, 1.0, 1.3),
         r = c(-0.1, NA, NA)),
    r_assumed = 0.7)

  quit(save = "no")
}

# ---- public datasets -----------------------------------------------------
b <- dat.bcg
binary_case(
  "bcg", "metafor dat.bcg (Colditz et al. 1994, JAMA 271:698-702)", FALSE,
  list(study = paste0(b$author, " ", b$year), events_t = b$tpos, n_t = b$tpos + b$tneg,
       events_c = b$cpos, n_c = b$cpos + b$cneg, allocation = as.character(b$alloc),
       latitude = b$ablat),
  c("RR", "OR", "RD"), subgroup = "allocation")

e <- dat.egger2001
binary_case("egger2001", "metafor dat.egger2001 (Egger et al. 2001, magnesium trials)", FALSE,
  list(study = as.character(e$study), events_t = e$ai, n_t = e$n1i, events_c = e$ci, n_c = e$n2i),
  c("OR", "RR", "RD"))

for (tb in c("6", "9")) {
  y <- dat.yusuf1985[dat.yusuf1985$table == tb, ]
  binary_case(paste0("yusuf1985_table", tb),
    sprintf("metafor dat.yusuf1985, table %s (Yusuf et al. 1985, beta blockade trials)", tb), FALSE,
    list(study = as.character(y$trial), events_t = y$ai, n_t = y$n1i, events_c = y$ci, n_c = y$n2i),
    c("OR", "RR"), drop00_variant = TRUE)
}

l <- dat.nielweise2007
binary_case("nielweise2007", "metafor dat.nielweise2007 (Niel-Weise et al. 2007, catheter infections)", FALSE,
  list(study = paste(l$author, l$year), events_t = l$ai, n_t = l$n1i, events_c = l$ci, n_c = l$n2i),
  c("RR", "OR"))

n <- dat.normand1999
continuous_case("normand1999", "metafor dat.normand1999 (Normand 1999, stroke length of stay)", FALSE,
  list(study = as.character(n$source), n_t = n$n1i, mean_t = n$m1i, sd_t = n$sd1i,
       n_c = n$n2i, mean_c = n$m2i, sd_c = n$sd2i))

h <- dat.hackshaw1998
generic_case("hackshaw1998", "metafor dat.hackshaw1998 (Hackshaw et al. 1998, passive smoking; log OR)",
  FALSE, h$yi, h$vi, paste(h$author, h$year))

r <- dat.raudenbush1985
generic_case("raudenbush1985", "metafor dat.raudenbush1985 (Raudenbush 1984/1985, teacher expectancy; SMD)",
  FALSE, r$yi, r$vi, paste(r$author, r$year))

# ---- synthetic datasets (labelled synthetic) -----------------------------
set.seed(20261125)
k <- 9
nt <- sample(20:120, k); nc <- sample(20:120, k)
theta <- rnorm(k, 2, 1.5)
continuous_case("synthetic_continuous_k9", "synthetic: seed 20261125, heterogeneous mean differences", TRUE,
  list(study = sprintf("Syn %d", 1:k), n_t = nt, mean_t = round(10 + theta + rnorm(k, 0, 1), 3),
       sd_t = round(runif(k, 3, 6), 3), n_c = nc, mean_c = round(10 + rnorm(k, 0, 1), 3),
       sd_c = round(runif(k, 3, 6), 3)))

set.seed(2)
continuous_case("synthetic_continuous_k2", "synthetic: seed 2, two studies", TRUE,
  list(study = c("Syn A", "Syn B"), n_t = c(25, 40), mean_t = c(12.1, 14.3), sd_t = c(3.2, 4.1),
       n_c = c(24, 38), mean_c = c(10.2, 10.9), sd_c = c(3.5, 3.9)))

set.seed(3)
k <- 7
vi <- round(runif(k, 0.05, 0.2), 4)
generic_case("synthetic_homogeneous_k7", "synthetic: seed 3, near-identical effects so tau^2 truncates at 0",
  TRUE, round(0.2 + rnorm(k, 0, 0.01), 4), vi, sprintf("Hom %d", 1:k))

generic_case("synthetic_k1", "synthetic: a single study", TRUE, c(0.42), c(0.04), c("Only"), bias = FALSE)

set.seed(5)
k <- 11
nt <- sample(15:80, k); nc <- sample(15:80, k)
et <- rbinom(k, nt, 0.08); ec <- rbinom(k, nc, 0.15)
et[c(2, 5)] <- 0; ec[5] <- 0; et[8] <- nt[8]; ec[8] <- nc[8]; ec[10] <- 0
binary_case("synthetic_binary_zero_cells",
  "synthetic: seed 5, zero cells, a double-zero study (5) and an all-events study (8)", TRUE,
  list(study = sprintf("Bin %d", 1:k), events_t = et, n_t = nt, events_c = ec, n_c = nc),
  c("RR", "OR", "RD"), drop00_variant = TRUE)

set.seed(7)
k <- 8
nn <- sample(12:60, k)
sdt <- round(runif(k, 2, 5), 3); sdc <- round(runif(k, 2, 5), 3)
paired_input <- list(study = sprintf("Pair %d", 1:k), n = nn,
  mean_t = round(rnorm(k, 5, 1), 3), sd_t = sdt, mean_c = round(rnorm(k, 4, 1), 3), sd_c = sdc,
  r = round(runif(k, 0.2, 0.8), 3))
paired_case("synthetic_paired_r_per_study", "synthetic: seed 7, split-body designs, r per study",
  paired_input)
paired_case("synthetic_paired_r_common", "synthetic: seed 7, split-body designs, review-wide r = 0.5",
  paired_input, r_common = 0.5)

set.seed(11)
k <- 40
vi <- runif(k, 0.01, 0.5)
yi <- rnorm(k, 0.3 + 1.2 * sqrt(vi), sqrt(vi + 0.02))
generic_case("synthetic_asymmetric_k40", "synthetic: seed 11, small-study effect (funnel asymmetry)",
  TRUE, round(yi, 5), round(vi, 5), sprintf("Asym %d", 1:k))
